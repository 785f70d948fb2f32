# Sandbox stand-in for mlops-templates src/python-sdk-v2/create_deployment.py (mlops-tui),
# written from public facts; not the upstream file. Create an online or batch deployment.
import argparse


def main():
    p = argparse.ArgumentParser(description="Create an online or batch deployment.")
    p.add_argument("--subscription_id")
    p.add_argument("--resource_group")
    p.add_argument("--workspace_name")
    p.add_argument("--endpoint_type")
    p.add_argument("--deployment_name")
    p.add_argument("--endpoint_name")
    p.add_argument("--model_path")
    p.add_argument("--traffic_allocation")
    p.add_argument("--compute")
    args, _ = p.parse_known_args()
    print("sandbox stand-in:", vars(args))


if __name__ == "__main__":
    main()
