"""The quality checks measured on real text: correct translations and summaries written for
this project, and faulty versions derived from them one kind of failure at a time."""
