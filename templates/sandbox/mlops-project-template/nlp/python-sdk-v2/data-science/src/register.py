# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
# Register the summarisation model.
import argparse


def main():
    parser = argparse.ArgumentParser(description="Register the summarisation model.")
    parser.add_argument("--model_folder", type=str)
    parser.add_argument("--model_name", type=str)
    parser.add_argument("--deploy_flag", type=str)
    args, _ = parser.parse_known_args()
    print("sandbox stand-in:", vars(args))


if __name__ == "__main__":
    main()
