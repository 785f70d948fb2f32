# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
# Score images with the dog breed classifier.
import argparse


def main():
    parser = argparse.ArgumentParser(description="Score images with the dog breed classifier.")
    parser.add_argument("--model_dir", type=str)
    args, _ = parser.parse_known_args()
    print("sandbox stand-in:", vars(args))


if __name__ == "__main__":
    main()
