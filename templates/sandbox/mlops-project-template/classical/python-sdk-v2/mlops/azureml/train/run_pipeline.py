# Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
# Build and submit the taxi training pipeline with the Azure ML SDK v2.
# Its evaluate and register steps both work on the model "taxi-model",
# which the endpoint pipelines then deploy as taxi-model@latest.
import argparse

MODEL = dict(model_name="taxi-model")


def main():
    parser = argparse.ArgumentParser(description="Build and submit the taxi training pipeline with the Azure ML SDK v2.")
    parser.add_argument("--experiment_name", type=str)
    parser.add_argument("--compute_name", type=str)
    parser.add_argument("--data_name", type=str)
    parser.add_argument("--environment_name", type=str)
    parser.add_argument("--enable_monitoring", type=str, default="false")
    parser.add_argument("--table_name", type=str, default="taximonitoring")
    args, _ = parser.parse_known_args()
    print("sandbox stand-in:", vars(args), MODEL)


if __name__ == "__main__":
    main()
