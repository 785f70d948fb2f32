# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
# Fine-tune an image classifier on the Stanford dogs images.
import argparse


def main():
    parser = argparse.ArgumentParser(description="Fine-tune an image classifier on the Stanford dogs images.")
    parser.add_argument("--train_images", type=str)
    parser.add_argument("--valid_images", type=str)
    parser.add_argument("--model_arch", type=str)
    parser.add_argument("--num_epochs", type=str)
    parser.add_argument("--model_output", type=str)
    args, _ = parser.parse_known_args()
    print("sandbox stand-in:", vars(args))


if __name__ == "__main__":
    main()
