# Thin entry points; the logic lives in scripts/.
.PHONY: demo test lint

demo:
	./scripts/demo.sh

test:
	./scripts/test.sh

lint:
	ruff check . && ruff format --check .
