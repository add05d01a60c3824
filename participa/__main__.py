from participa.cli import run

run()
