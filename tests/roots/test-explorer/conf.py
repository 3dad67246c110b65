# A one-page project with the explorer extension alone; each test writes its own index.md.
extensions = ["myst_parser", "attention_site.explorer"]
