"""The record contract of poolbench: records/schema.json, the one
definition of every record's fields, limits, names and the noise rule's
constants, and what reads and generates from it (contract, reader, check,
gen_c_header, gen_readme)."""
