"""Users, roles, departments, sign-in and the permission checks every area goes through."""
