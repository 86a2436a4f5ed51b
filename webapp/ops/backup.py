"""placeholder"""


def register_commands(app):
    pass
