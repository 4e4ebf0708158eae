from reportgen.commands.cli import main

# The name people type, so help and _REPORTGEN_COMPLETE work the same as the script's.
main(prog_name="reportgen")
