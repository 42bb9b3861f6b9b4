"""Single sign-on with the company's identity provider."""
