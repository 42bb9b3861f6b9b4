"""The `lms` commands speak the company's language (LMS_DEFAULT_LANGUAGE), as pages do
for people who chose none: commands run in an app context, never in a request."""

from __future__ import annotations


def test_a_command_says_what_it_did_in_the_company_language(make_app, db):
    runner = make_app(DEFAULT_LANGUAGE="de").test_cli_runner()
    listed = runner.invoke(args=["assignments", "list"])
    assert listed.exit_code == 0, listed.output
    assert "Noch keine Zuweisungsregeln. Legen Sie eine mit `lms assignments add` an." in (
        listed.output
    )
    purged = runner.invoke(args=["webhooks", "purge"])
    assert purged.exit_code == 0, purged.output
    assert "Webhooks: 0 Ereignisse gelöscht, die älter als 90 Tage waren." in purged.output


def test_a_refusal_comes_in_the_company_language_too(make_app, db):
    runner = make_app(DEFAULT_LANGUAGE="de", XAPI_ENDPOINT="").test_cli_runner()
    unset = runner.invoke(args=["xapi", "send"])
    assert unset.exit_code == 0, unset.output
    assert "xAPI: Es ist kein LRS eingerichtet (LMS_XAPI_ENDPOINT ist nicht gesetzt)" in (
        unset.output
    )
    wrong = runner.invoke(args=["assignments", "add", "any-course", "--due-days", "7"])
    assert wrong.exit_code == 2
    assert "Geben Sie --audience an, zum Beispiel --audience department:Sales." in wrong.output


def test_in_english_the_words_are_the_same_as_before(runner, db):
    purged = runner.invoke(args=["webhooks", "purge"])
    assert purged.output.strip() == "Webhooks: deleted 0 events older than 90 days."
