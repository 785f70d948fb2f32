# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
# Train the taxi fare regression model.
import argparse


def main():
    parser = argparse.ArgumentParser(description="Train the taxi fare regression model.")
    parser.add_argument("--train_data", type=str)
    parser.add_argument("--model_output", type=str)
    args, _ = parser.parse_known_args()
    print("sandbox stand-in:", vars(args))


if __name__ == "__main__":
    main()
