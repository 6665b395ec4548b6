"""A tiny MLServer model whose every answer names the version that served it.

model-settings.json: {"name": "<target model>", "implementation": "version_model.VersionModel",
"parameters": {"version": "<registered model version id>"}}. The hot-swap tests tell which
version answered each request from the output, without shipping a real model artifact.
"""
from mlserver import MLModel
from mlserver.types import InferenceRequest, InferenceResponse, ResponseOutput


class VersionModel(MLModel):
    async def load(self) -> bool:
        return True

    async def predict(self, payload: InferenceRequest) -> InferenceResponse:
        params = self.settings.parameters
        version = params.version if params else None
        # The registered model version id (e.g. "pump-anomaly-base/2") when the connector wrote
        # it; MLServer's own version string is a path-safe encoding of it.
        registered = (params.extra or {}).get("modelVersionId") if params else None
        return InferenceResponse(
            model_name=self.name,
            model_version=version,
            outputs=[ResponseOutput(name="version", shape=[1], datatype="BYTES", data=[registered or version or ""])],
        )
