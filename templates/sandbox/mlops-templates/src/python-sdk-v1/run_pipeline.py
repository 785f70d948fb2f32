# Sandbox stand-in for mlops-templates src/python-sdk-v1/run_pipeline.py (mlops-tui),
# written from public facts; not the upstream file. Build and submit the training pipeline.
import argparse


def main():
    p = argparse.ArgumentParser(description="Build and submit the training pipeline.")
    p.add_argument("--resource_group")
    p.add_argument("--workspace_name")
    p.add_argument("--experiment_name")
    p.add_argument("--compute_name")
    args, _ = p.parse_known_args()
    print("sandbox stand-in:", vars(args))


if __name__ == "__main__":
    main()
