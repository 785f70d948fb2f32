# Sandbox stand-in for mlops-templates src/python-sdk-v2/test_endpoint.py (mlops-tui),
# written from public facts; not the upstream file. Invoke an online or batch endpoint.
import argparse


def main():
    p = argparse.ArgumentParser(description="Invoke an online or batch endpoint.")
    p.add_argument("--subscription_id")
    p.add_argument("--resource_group")
    p.add_argument("--workspace_name")
    p.add_argument("--endpoint_type")
    p.add_argument("--endpoint_name")
    p.add_argument("--request")
    args, _ = p.parse_known_args()
    print("sandbox stand-in:", vars(args))


if __name__ == "__main__":
    main()
