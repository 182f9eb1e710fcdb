"""One module per CLI command; each parses options and prints, the work is in gnlc.*."""
