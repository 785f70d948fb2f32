# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
# Fine-tune the summarisation model.
import argparse


def main():
    parser = argparse.ArgumentParser(description="Fine-tune the summarisation model.")
    parser.add_argument("--preprocessed_datasets", type=str)
    parser.add_argument("--model_name", type=str)
    parser.add_argument("--model_output", type=str)
    args, _ = parser.parse_known_args()
    print("sandbox stand-in:", vars(args))


if __name__ == "__main__":
    main()
