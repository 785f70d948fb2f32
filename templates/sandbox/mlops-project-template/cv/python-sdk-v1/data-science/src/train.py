# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
# Train the dog breed classifier (Azure ML SDK v1).
import argparse


def main():
    parser = argparse.ArgumentParser(description="Train the dog breed classifier (Azure ML SDK v1).")
    parser.add_argument("--data_path", type=str)
    parser.add_argument("--num_epochs", type=str)
    parser.add_argument("--model_output", type=str)
    args, _ = parser.parse_known_args()
    print("sandbox stand-in:", vars(args))


if __name__ == "__main__":
    main()
