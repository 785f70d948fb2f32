# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
# Scoring script for the taxi fare online deployment.
import json


def init():
    pass


def run(raw_data):
    data = json.loads(raw_data)
    return {"predictions": [0.0 for _ in data.get("input_data", {}).get("data", [])]}
