"""One module per page kind; each writes its pages into the site being built."""
