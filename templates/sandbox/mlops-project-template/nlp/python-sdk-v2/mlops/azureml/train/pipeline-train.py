# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
# Build and submit the summarisation pipeline with the Azure ML SDK v2.
import argparse


def main():
    parser = argparse.ArgumentParser(description="Build and submit the summarisation pipeline with the Azure ML SDK v2.")
    parser.add_argument("--experiment_name", type=str)
    parser.add_argument("--compute_name", type=str)
    parser.add_argument("--data_name", type=str)
    parser.add_argument("--environment_name", type=str)
    args, _ = parser.parse_known_args()
    print("sandbox stand-in:", vars(args))


if __name__ == "__main__":
    main()
