"""The post pre-check: a coach that finds likely guideline problems in a draft post.

The engine (profile, wordlists, detect, rules, engine) is pure; models, services, views and
cli keep the company's settings and an employee's own practice history.
"""
