"""One module per command-line command (see graphbal.cli)."""
