"""A region's view over many offices: the Parquet layout every office's hub exports
(``schema``) and the report read from it with DuckDB (``report``). No Qt, no hub: a
regional manager's PC reads the folder the offices' nightly exports land in."""
