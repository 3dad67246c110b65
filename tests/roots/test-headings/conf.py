# A one-page project with the extension and the site's MyST maths and heading anchors; each test writes index.md.
extensions = ["myst_parser", "attention_site"]
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3
html_baseurl = "https://example.org/site/"
ogp_social_cards = {"enable": False}  # sphinxext-opengraph, which the extension loads
