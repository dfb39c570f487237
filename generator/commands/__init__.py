"""One module per `digest` subcommand, each exporting `command`."""
