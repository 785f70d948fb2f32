# Sandbox stand-in for mlops-templates src/python-sdk-v2/register_data_asset.py (mlops-tui),
# written from public facts; not the upstream file. Register a data asset.
import argparse


def main():
    p = argparse.ArgumentParser(description="Register a data asset.")
    p.add_argument("--subscription_id")
    p.add_argument("--resource_group")
    p.add_argument("--workspace_name")
    p.add_argument("--data_name")
    p.add_argument("--description")
    p.add_argument("--data_path")
    p.add_argument("--data_type")
    args, _ = p.parse_known_args()
    print("sandbox stand-in:", vars(args))


if __name__ == "__main__":
    main()
