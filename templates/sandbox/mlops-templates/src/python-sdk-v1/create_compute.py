# Sandbox stand-in for mlops-templates src/python-sdk-v1/create_compute.py (mlops-tui),
# written from public facts; not the upstream file. Create a compute target.
import argparse


def main():
    p = argparse.ArgumentParser(description="Create a compute target.")
    p.add_argument("--resource_group")
    p.add_argument("--workspace_name")
    p.add_argument("--cluster_name")
    p.add_argument("--size")
    p.add_argument("--min_instances")
    p.add_argument("--max_instances")
    args, _ = p.parse_known_args()
    print("sandbox stand-in:", vars(args))


if __name__ == "__main__":
    main()
