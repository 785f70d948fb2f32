# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
# Evaluate the model against the registered one.
import argparse


def main():
    parser = argparse.ArgumentParser(description="Evaluate the model against the registered one.")
    parser.add_argument("--model_name", type=str)
    parser.add_argument("--model_input", type=str)
    parser.add_argument("--test_data", type=str)
    parser.add_argument("--evaluation_output", type=str)
    args, _ = parser.parse_known_args()
    print("sandbox stand-in:", vars(args))


if __name__ == "__main__":
    main()
