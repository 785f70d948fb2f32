# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
# Tokenise the news articles for summarisation.
import argparse


def main():
    parser = argparse.ArgumentParser(description="Tokenise the news articles for summarisation.")
    parser.add_argument("--dataset_name", type=str)
    parser.add_argument("--model_checkpoint", type=str)
    parser.add_argument("--encodings", type=str)
    args, _ = parser.parse_known_args()
    print("sandbox stand-in:", vars(args))


if __name__ == "__main__":
    main()
