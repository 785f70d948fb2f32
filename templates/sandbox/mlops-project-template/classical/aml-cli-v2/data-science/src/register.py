# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
# Register the model as taxi-model if it is better.
import argparse


def main():
    parser = argparse.ArgumentParser(description="Register the model as taxi-model if it is better.")
    parser.add_argument("--model_name", type=str)
    parser.add_argument("--model_path", type=str)
    parser.add_argument("--evaluation_output", type=str)
    parser.add_argument("--model_info_output_path", type=str)
    args, _ = parser.parse_known_args()
    print("sandbox stand-in:", vars(args))


if __name__ == "__main__":
    main()
