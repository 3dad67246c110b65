# A one-page project with the clip extension; each test writes its own index.md.
extensions = ["myst_parser", "attention_site"]
html_baseurl = "https://example.org/site/"
ogp_social_cards = {"enable": False}  # sphinxext-opengraph, which the extension loads
