"""The Chinese translation follows docs/vocabulary.md: each domain term reads as the domain writes it where the
vocabulary says, in the context of its doctype where Frappe's or ERPNext's generic word differs."""

import pytest

from tests.messages import app_messages, context_translations, translations
from tests.vocabulary import doctypes, required_keys, terms

FIELDS = doctypes()
ZH, ZH_IN_CONTEXT = translations("zh"), context_translations("zh")


def translation(source, context):
	return ZH.get(source) if context is None else ZH_IN_CONTEXT.get((source, context))


def test_the_vocabulary_is_read():
	assert len(terms()) >= 15
	assert ("Open", "Device Recall") in required_keys(next(t for t in terms() if t.english == "Open"), FIELDS)


@pytest.mark.parametrize("term", terms(), ids=lambda term: term.english)
def test_each_term_reads_as_the_domain_writes_it(term):
	keys = required_keys(term, FIELDS)
	assert keys, f"{term.english!r} is shown nowhere: remove it from the vocabulary or say where"
	if term.where == "everywhere":
		assert term.english in app_messages(), f"{term.english!r} is not a string of the app"
	for source, context in keys:
		found = translation(source, context)
		assert found == term.chinese, (source, context, found)
		assert not [word for word in term.wrong if word in found], (source, context, found)


def test_no_translation_in_a_context_the_vocabulary_does_not_ask_for():
	wanted = {key for term in terms() for key in required_keys(term, FIELDS)}
	assert sorted(set(ZH_IN_CONTEXT) - wanted) == []
