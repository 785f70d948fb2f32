# Sandbox stand-in for mlops-templates src/python-sdk-v2/register_environment.py (mlops-tui),
# written from public facts; not the upstream file. Register an environment.
import argparse


def main():
    p = argparse.ArgumentParser(description="Register an environment.")
    p.add_argument("--subscription_id")
    p.add_argument("--resource_group")
    p.add_argument("--workspace_name")
    p.add_argument("--environment_name")
    p.add_argument("--description")
    p.add_argument("--env_path")
    args, _ = p.parse_known_args()
    print("sandbox stand-in:", vars(args))


if __name__ == "__main__":
    main()
