"""Import of sales plans, purchases, payments and sales expenses from .xlsx and .csv files.

The rules (DOMAIN.md "Activities": users bring their records from the ERP as Excel/CSV):

* The first non-empty row is the header. Columns are found by name, Chinese or English (see
  the aliases in `KINDS`); their order does not matter and unknown columns are ignored. A file
  without a required column is refused as a whole, naming what is missing.
* The kind of file is given, or read from the header: a month column means plans; product and
  quantity mean purchases; an expense category means expenses; a date and an amount alone
  mean payments.
* Each row is matched to an account by tax number (税号) or, without one, by full legal name.
* A dry run decides every row's fate (new, update, unchanged, duplicate in the file, error)
  and stores it; nothing else is written. Importing writes the good rows in one transaction.
* Each record has a natural key (`KindSpec.key`); importing the same file again finds every
  row unchanged and writes nothing. A later export of the same record (e.g. more settled)
  updates it.
* Bad rows keep their original cells and their problems as (column, reason code, values), so
  the report and the downloadable fix file can be shown in the reader's language.

One module per part, each importing only those above it:

* `cells`: what a cell holds (text, amounts, dates, months) and the refusals, `CellError` for a
  cell and `FileRefused` for a whole file.
* `kinds`: the columns of each kind of file (`KINDS`), the kind read from a header
  (`detect_kind`) and the columns' places in it (`map_columns`).
* `tables`: reading .xlsx and .csv into a `Table` (`read_table`).
* `evaluate`: matching accounts, natural keys, every row's fate (`evaluate` → `Result`) and
  writing the good rows (`write`).
* `batches`: uploads stored as `ImportBatch` and processed outside the request (`create_batch`,
  `process_batch`, `recover_stale`, `store_result`), and `import_file` for the command line.
"""
