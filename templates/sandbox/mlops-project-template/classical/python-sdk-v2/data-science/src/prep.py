# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
# Split the raw taxi data into train/val/test.
import argparse


def main():
    parser = argparse.ArgumentParser(description="Split the raw taxi data into train/val/test.")
    parser.add_argument("--raw_data", type=str)
    parser.add_argument("--train_data", type=str)
    parser.add_argument("--val_data", type=str)
    parser.add_argument("--test_data", type=str)
    args, _ = parser.parse_known_args()
    print("sandbox stand-in:", vars(args))


if __name__ == "__main__":
    main()
