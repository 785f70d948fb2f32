# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
# Batch scoring driver for the taxi fare batch deployment.


def init():
    pass


def run(mini_batch):
    return [str(f) for f in mini_batch]
