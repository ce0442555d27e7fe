"""Cairn's model worker: loads one MLflow model folder and scores requests sent over stdin.

The local endpoint host (local-endpoint-host.ts) starts one of these per serving worker and
speaks a framed protocol with it over stdin/stdout:

    frame    = u32 little-endian length of the rest, then the rest
    request  = b"I" u16 content-type length, content-type, body    (an /invocations request)
             | b"M" u32 rows, rows x columns float64 little-endian  (one, already parsed: see below)
             | b"P"                                                 (a /ping)
    reply    = b"R" u16 status, u8 1 if JSON else 0, body           (one per request, in order)
             | b"E" JSON event                                      (startup progress)

Startup events, in order: hello (which Python, which loader), requirements (what the model
needs and this Python lacks), loaded, ready; or failed (with the step and why), then exit.
When the model's signature is all named doubles, `ready` names its columns: the host may then
parse a JSON body of plain numbers itself and send the matrix in signature order ("M"), which
is scored exactly as the same body sent as "I" would be, without parsing JSON in Python.

Models load through mlflow.pyfunc when this Python has mlflow, and are then scored by MLflow's
own scoring-server functions. Without mlflow, Cairn's loader handles the scikit-learn flavour
(the MLmodel file and its pickle) and answers as MLflow's scoring server does: the same input
formats, schema enforcement and error bodies, with fast paths that give the same answers.
"""
import io
import json
import os
import re
import struct
import sys
import time
import traceback
import warnings

EXIT_MISSING_REQUIREMENTS = 3
EXIT_LOAD_FAILED = 4

CONTENT_TYPE_CSV = "text/csv"
CONTENT_TYPE_JSON = "application/json"
CONTENT_TYPES = [CONTENT_TYPE_CSV, CONTENT_TYPE_JSON]
DF_RECORDS, DF_SPLIT, INSTANCES, INPUTS = "dataframe_records", "dataframe_split", "instances", "inputs"
SUPPORTED_FORMATS = {DF_RECORDS, DF_SPLIT, INSTANCES, INPUTS}
LLM_FORMATS = {"messages", "prompt", "input"}
REQUIRED_INPUT_FORMAT = f"The input must be a JSON dictionary with exactly one of the input fields {SUPPORTED_FORMATS}"
SCORING_PROTOCOL_CHANGE_INFO = (
    "IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are"
    " seeing this error, you are likely using an outdated scoring request format. To resolve the"
    " error, either update your request format or adjust your MLflow Model's requirements file to"
    " specify an older version of MLflow (for example, change the 'mlflow' requirement specifier"
    " to 'mlflow==1.30.0'). If you are making a request using the MLflow client"
    " (e.g. via `mlflow.pyfunc.spark_udf()`), upgrade your MLflow client to a version >= 2.0 in"
    " order to use the new request format. For more information about the updated MLflow"
    " Model scoring protocol in MLflow 2.0, see"
    " https://mlflow.org/docs/latest/models.html#deploy-mlflow-models."
)
HTTP_STATUS = {"BAD_REQUEST": 400, "INVALID_PARAMETER_VALUE": 400, "INTERNAL_ERROR": 500}
# Packages that serve models rather than being part of one: Cairn's loader stands in for them.
SERVING_PACKAGES = {"mlflow", "mlflow-skinny"}


class ScoringError(Exception):
    """An error answered as MLflow's scoring server answers an MlflowException."""

    def __init__(self, message, error_code="BAD_REQUEST", stack_trace=None):
        super().__init__(message)
        self.message = message
        self.error_code = error_code
        self.stack_trace = stack_trace

    def body(self):
        payload = {"error_code": self.error_code, "message": self.message}
        if self.stack_trace is not None:
            payload["stack_trace"] = self.stack_trace
        return json.dumps(payload)


def invalid_input(message):
    return ScoringError(f"Invalid input. {message}", "BAD_REQUEST")


# ------------------------------------------------------------------ the framed protocol


class Channel:
    """Frames over this process's stdin and a private copy of its stdout."""

    def __init__(self):
        # Model code that prints must not corrupt the protocol: fd 1 now goes to stderr.
        self.out = os.fdopen(os.dup(1), "wb", buffering=0)
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        self.inp = sys.stdin.buffer

    def read(self):
        header = self.inp.read(4)
        if len(header) < 4:
            return None
        (length,) = struct.unpack("<I", header)
        frame = self.inp.read(length)
        if len(frame) < length:
            return None
        return frame

    def event(self, name, **fields):
        body = json.dumps({"event": name, **fields}).encode()
        self.out.write(struct.pack("<IB", len(body) + 1, 0x45) + body)

    def reply(self, status, body, is_json=True):
        data = body.encode() if isinstance(body, str) else body
        self.out.write(struct.pack("<IBHB", len(data) + 4, 0x52, status, 1 if is_json else 0) + data)


# ------------------------------------------------------------------ requirements


def normalized(name):
    return re.sub(r"[-_.]+", "-", name).lower()


REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;#]*?)\s*(;[^#]*)?(#.*)?$")


def read_yaml(path):
    import yaml

    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def requirement_lines(model_dir):
    """The model's pip requirements: requirements.txt, else python_env.yaml's, else conda.yaml's pip list."""
    path = os.path.join(model_dir, "requirements.txt")
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as handle:
            return "requirements.txt", [line for line in handle.read().splitlines()]
    env_path = os.path.join(model_dir, "python_env.yaml")
    if os.path.isfile(env_path):
        deps = read_yaml(env_path).get("dependencies") or []
        return "python_env.yaml", [str(d) for d in deps]
    conda_path = os.path.join(model_dir, "conda.yaml")
    if os.path.isfile(conda_path):
        lines = []
        for dep in read_yaml(conda_path).get("dependencies") or []:
            if isinstance(dep, dict):
                lines.extend(str(d) for d in dep.get("pip") or [])
        return "conda.yaml", lines
    return None, []


def packaging_module(name):
    """packaging's markers or specifiers module: its own package, else the copy pip or setuptools vendor; None when absent."""
    import importlib

    for prefix in ("packaging", "pip._vendor.packaging", "setuptools._vendor.packaging"):
        try:
            return importlib.import_module(f"{prefix}.{name}")
        except ImportError:
            continue
    return None


def marker_applies(marker):
    if not marker:
        return True
    markers = packaging_module("markers")
    if markers is None:
        return True
    try:
        return markers.Marker(marker.lstrip(";").strip()).evaluate()
    except Exception:
        return True


def version_satisfies(installed, spec):
    exact = re.fullmatch(r"==\s*([0-9][0-9A-Za-z.+!-]*)", spec)
    if exact and "*" not in spec:
        # The common pin, compared without importing packaging (a tenth of a second at startup).
        return exact.group(1) == installed
    specifiers = packaging_module("specifiers")
    try:
        return specifiers.SpecifierSet(spec).contains(installed, prereleases=True)
    except Exception:
        exact = re.fullmatch(r"==\s*([^,\s]+)", spec)
        return exact is None or exact.group(1) == installed


def installed_version(name):
    import importlib.metadata as metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def check_requirements(model_dir, serving_by_cairn):
    """What the model's requirements ask that this Python lacks (missing) or has in another version (mismatched)."""
    source, lines = requirement_lines(model_dir)
    checked, missing, mismatched, skipped = [], [], [], []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("-"):
            continue
        match = REQUIREMENT.match(line)
        if not match:
            continue
        name, spec, marker = match.group(1), (match.group(3) or "").strip(), match.group(4)
        if not marker_applies(marker):
            continue
        if serving_by_cairn and normalized(name) in SERVING_PACKAGES:
            skipped.append(line)
            continue
        checked.append(line)
        version = installed_version(name)
        if version is None:
            missing.append(line)
        elif spec and not version_satisfies(version, spec):
            mismatched.append({"requirement": line, "installed": version})
    return {"source": source, "checked": checked, "missing": missing, "mismatched": mismatched, "skipped": skipped}


# ------------------------------------------------------------------ model signature


NUMPY_TYPES = {
    "boolean": "bool",
    "integer": "int32",
    "long": "int64",
    "float": "float32",
    "double": "float64",
    "string": "object",
    "binary": "object",
    "datetime": "datetime64[ns]",
}


class ColSpec:
    def __init__(self, spec):
        self.name = spec.get("name")
        self.type = spec["type"]
        self.required = spec.get("required", True)

    def __repr__(self):
        shown = f"{self.name!r}: {self.type}" if self.name is not None else self.type
        return f"{shown} ({'required' if self.required else 'optional'})"


class TensorSpec:
    def __init__(self, spec):
        tensor = spec["tensor-spec"]
        self.name = spec.get("name")
        self.dtype = tensor["dtype"]
        self.shape = tuple(tensor["shape"])
        self.required = spec.get("required", True)

    def __repr__(self):
        shown = f"Tensor({self.dtype!r}, {self.shape!r})"
        return f"{self.name!r}: {shown}" if self.name is not None else shown


class Schema:
    """An MLflow input schema as the MLmodel file's signature holds it (a JSON list of specs)."""

    def __init__(self, specs):
        self.is_tensor = bool(specs) and specs[0].get("type") == "tensor"
        self.inputs = [TensorSpec(s) if self.is_tensor else ColSpec(s) for s in specs]
        self.has_names = bool(self.inputs) and all(s.name is not None for s in self.inputs)
        self.required_names = [s.name for s in self.inputs if s.required]
        self.optional_names = [s.name for s in self.inputs if not s.required]
        self.by_name = {s.name: s for s in self.inputs}
        # The fast paths apply when every column is a double and named: the common numeric model.
        self.all_named_doubles = (
            not self.is_tensor and self.has_names and all(s.type == "double" and s.required for s in self.inputs)
        )
        self.names = [s.name for s in self.inputs]
        self.name_set = set(self.names)

    def __repr__(self):
        return "[" + ", ".join(repr(s) for s in self.inputs) + "]"


def read_signature(mlmodel):
    signature = (mlmodel.get("signature") or {}).get("inputs")
    if not signature:
        return None
    specs = json.loads(signature) if isinstance(signature, str) else signature
    return Schema(specs) if specs else None


# ------------------------------------------------------------------ parsing requests (MLflow's rules)


def decode_json_input(text):
    try:
        decoded = json.loads(text)
    except json.JSONDecodeError as ex:
        raise invalid_input(f"Ensure that input is a valid JSON formatted string. Error: '{ex!r}'\nInput: \n{text}\n")
    if isinstance(decoded, dict):
        return decoded
    if isinstance(decoded, list):
        raise invalid_input(f"{REQUIRED_INPUT_FORMAT}. Received a list.")
    raise invalid_input(f"{REQUIRED_INPUT_FORMAT}. Received unexpected input type '{type(decoded)}.")


def split_frame_fast(value, schema, np, pd):
    """A dataframe_split payload of numbers for an all-double schema, built in one numpy step; None if it does not apply."""
    if not isinstance(value, dict) or set(value) - {"columns", "data", "index"} or "data" not in value:
        return None
    columns, data = value.get("columns"), value["data"]
    if not isinstance(columns, list) or not isinstance(data, list) or not data:
        return None
    if len(set(columns)) != len(columns) or set(columns) != schema.name_set:
        return None
    try:
        array = np.array(data, dtype=np.float64)
    except (ValueError, TypeError):
        return None
    if array.ndim != 2 or array.shape[1] != len(columns):
        return None
    frame = pd.DataFrame(array, columns=columns, index=value.get("index"))
    return frame if columns == schema.names else frame[schema.names]


def records_frame_fast(value, schema, np, pd):
    """A dataframe_records payload with every column on every row, for an all-double schema; None if it does not apply."""
    if not isinstance(value, list) or not value or not all(isinstance(row, dict) and len(row) == len(schema.names) for row in value):
        return None
    names = schema.names
    try:
        array = np.array([[row[name] for name in names] for row in value], dtype=np.float64)
    except (KeyError, ValueError, TypeError):
        return None
    if array.ndim != 2:
        return None
    return pd.DataFrame(array, columns=names)


def cast_to_schema(frame, schema):
    """MLflow's cast of parsed columns to the signature's types (cast_df_types_according_to_schema)."""
    import base64

    if schema.has_names:
        pairs = [(s.name, s) for s in schema.inputs]
    elif schema.is_tensor and len(schema.inputs) == 1:
        pairs = [(c, schema.inputs[0]) for c in frame.columns]
    else:
        pairs = list(zip(frame.columns[: len(schema.inputs)], schema.inputs))
    present = set(frame.columns)
    for name, spec in pairs:
        if name not in present:
            continue
        wanted = spec.dtype if schema.is_tensor else NUMPY_TYPES.get(spec.type)
        try:
            if not schema.is_tensor and spec.type == "binary":
                frame[name] = frame[name].map(lambda x: base64.decodebytes(bytes(x, "utf8")))
            elif schema.is_tensor and len(frame) and isinstance(frame[name].iloc[0], list):
                pass
            elif wanted and wanted != "object":
                frame[name] = frame[name].astype(wanted, copy=False)
        except Exception as ex:
            raise invalid_input(
                f"Data is not compatible with model signature. Failed to convert column {name} to type '{wanted}'. Error: '{ex!r}'"
            )
    return frame


def dataframe_from_parsed_json(value, orient, schema, np, pd):
    if schema is not None and schema.all_named_doubles:
        fast = split_frame_fast(value, schema, np, pd) if orient == "split" else records_frame_fast(value, schema, np, pd)
        if fast is not None:
            return fast
    if orient == "records":
        if not isinstance(value, list):
            kind = "dictionary" if isinstance(value, dict) else f"type {type(value)}"
            raise invalid_input(f"Dataframe records format must be a list of records. Got {kind}.")
        try:
            frame = pd.DataFrame(data=value)
        except Exception as ex:
            raise invalid_input(f"Provided dataframe_records field is not a valid dataframe representation in 'records' format. Error: '{ex}'")
    else:
        if not isinstance(value, dict):
            kind = "list" if isinstance(value, list) else f"type {type(value)}"
            raise invalid_input(f"Dataframe split format must be a dictionary. Got {kind}.")
        keys = set(value.keys())
        if "data" not in keys or keys - {"columns", "data", "index"}:
            raise invalid_input(f"Dataframe split format must have 'data' field and optionally 'columns' and 'index' fields. Got {keys}.'")
        try:
            frame = pd.DataFrame(index=value.get("index"), columns=value.get("columns"), data=value["data"])
        except Exception as ex:
            raise invalid_input(f"Provided dataframe_split field is not a valid dataframe representation in 'split' format. Error: '{ex}'")
    return cast_to_schema(frame, schema) if schema is not None else frame


def convert_value(data, spec, np):
    try:
        if spec is None:
            return np.array(data)
        if isinstance(spec, TensorSpec):
            return np.array(data, dtype=spec.dtype)
        dtype = NUMPY_TYPES.get(spec.type, "object")
        return np.array(data, dtype) if isinstance(data, (list, np.ndarray)) else np.array([data], dtype)[0]
    except ScoringError:
        raise
    except Exception as ex:
        raise invalid_input(f"{ex}")


def cast_schema_type(value, schema, np):
    types = schema.by_name if schema is not None and schema.has_names else {}
    if schema is not None:
        if len(types) == 1 and isinstance(value, list) and not any(isinstance(x, dict) for x in value):
            value = {next(iter(types)): value}
        elif not schema.has_names and not (isinstance(value, list) or np.isscalar(value)):
            raise invalid_input(
                "Failed to parse input data. This model contains an un-named  model signature which expects a single "
                f"n-dimensional array or a single value as input, however, an input of type {type(value)} was found."
            )
    if isinstance(value, dict):
        return {col: convert_value(data, types.get(col), np) for col, data in value.items()}
    if isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
        return [{col: convert_value(v, types.get(col), np) for col, v in row.items()} for row in value]
    spec = schema.inputs[0] if schema is not None else None
    return convert_value(value, spec, np)


def parse_tf_serving_input(payload, schema, np):
    if "signature_name" in payload:
        raise invalid_input('"signature_name" parameter is currently not supported')
    if list(payload.keys()) not in (["instances"], ["inputs"]):
        raise invalid_input(f'One of "instances" and "inputs" must be specified (not both or any other keys).Received: {list(payload.keys())}')
    try:
        if "inputs" in payload:
            return cast_schema_type(payload["inputs"], schema, np)
        items = payload["instances"]
        if isinstance(items, list) and items and isinstance(items[0], dict):
            types = schema.by_name if schema is not None and schema.has_names else {}
            columns = {}
            for item in items:
                for col, v in item.items():
                    columns.setdefault(col, []).append(convert_value(v, types.get(col), np))
            data = {col: np.array(v) for col, v in columns.items()}
        else:
            data = cast_schema_type(items, schema, np)
        if isinstance(data, dict):
            lengths = [len(v) for v in data.values() if isinstance(v, (list, np.ndarray))]
            if lengths and any(n != lengths[0] for n in lengths):
                raise invalid_input("The length of values for each input/column name are not the same")
        return data
    except ScoringError:
        raise
    except Exception as ex:
        raise invalid_input(f"Ensure that the input is a valid JSON-formatted string.\nError: {ex!r}")


# ------------------------------------------------------------------ schema enforcement (pyfunc's predict)


def enforce_datatype(name, values, type_name, np, pd):
    """MLflow's safe conversions of one column: object -> string, int -> long, float -> double, int -> double."""
    if values.dtype == object and type_name not in ("binary", "string"):
        values = values.infer_objects()
    if type_name == "string" and values.dtype == object:
        return values
    wanted = np.dtype(NUMPY_TYPES[type_name])
    if values.dtype == wanted:
        return values
    if type_name == "binary" and values.dtype.kind == "O":
        return values
    if type_name == "datetime" and values.dtype.kind == "M":
        return values.astype(np.dtype("datetime64[ns]"))
    if values.dtype.kind == wanted.kind:
        upcast = values.dtype.itemsize <= wanted.itemsize
    elif values.dtype.kind == "u" and wanted.kind == "i":
        upcast = values.dtype.itemsize < wanted.itemsize
    elif values.dtype.kind in ("i", "u") and wanted == np.float64:
        upcast = values.dtype.itemsize <= 6
    else:
        upcast = False
    if upcast:
        return values.astype(wanted, errors="raise")
    raise ScoringError(f"Incompatible input types for column {name}. Can not safely convert {values.dtype} to {wanted}.")


def enforce_tensor(values, spec, np):
    actual_shape = values.shape
    if len(spec.shape) != len(actual_shape) or any(e != -1 and e != a for e, a in zip(spec.shape, actual_shape)):
        raise ScoringError(f"Shape of input {actual_shape} does not match expected shape {spec.shape}.")
    if values.dtype != np.dtype(spec.dtype):
        raise ScoringError(f"dtype of input {values.dtype} does not match expected dtype {spec.dtype}")
    return values


def enforce_schema(data, schema, np, pd):
    """pyfunc's _enforce_schema: missing inputs refused, columns ordered as the signature, safe type conversions."""
    if isinstance(data, pd.Series):
        data = pd.DataFrame(data)
    if not schema.is_tensor and not isinstance(data, pd.DataFrame):
        try:
            if isinstance(data, dict) and all(np.isscalar(v) or v is None for v in data.values()):
                data = pd.DataFrame([data])
            else:
                data = pd.DataFrame(data)
        except Exception as e:
            raise ScoringError(
                "This model contains a column-based signature, which suggests a DataFrame input. "
                f"There was an error casting the input data to a DataFrame: {e}"
            )
    if schema.has_names:
        if isinstance(data, pd.DataFrame):
            actual = list(data.columns)
        elif isinstance(data, dict):
            actual = list(data.keys())
        else:
            actual = []
        actual_set = set(actual)
        missing = [c for c in schema.required_names if c not in actual_set]
        if missing:
            extra = [c for c in actual if c not in schema.name_set]
            message = f"Model is missing inputs {missing}."
            if extra:
                message += f" Note that there were extra inputs: {extra}"
            raise ScoringError(message)
    elif not schema.is_tensor and len(data.columns) < len(schema.inputs):
        raise ScoringError(
            "Model inference is missing inputs. The model signature declares "
            f"{len(schema.inputs)} inputs  but the provided value only has {len(data.columns)} inputs. "
            "Note: the inputs were not named in the signature so we can only verify their count."
        )
    if schema.is_tensor:
        if schema.has_names:
            source = data if isinstance(data, dict) else {c: data[c].to_numpy() for c in data.columns}
            return {s.name: enforce_tensor(np.asarray(source[s.name]), s, np) for s in schema.inputs}
        values = data.to_numpy() if isinstance(data, pd.DataFrame) else np.asarray(data)
        return enforce_tensor(values, schema.inputs[0], np)
    if schema.has_names:
        names = schema.required_names + [c for c in data.columns if c in set(schema.optional_names)]
        types = {n: schema.by_name[n].type for n in names}
    else:
        names = list(data.columns[: len(schema.inputs)])
        types = {n: s.type for n, s in zip(names, schema.inputs)}
    frame = data if list(data.columns) == names else data[names]
    if frame.dtypes.tolist() == [np.dtype(NUMPY_TYPES[types[n]]) for n in names]:
        return frame
    return pd.DataFrame({n: enforce_datatype(n, frame[n], types[n], np, pd) for n in names}, index=frame.index)


# ------------------------------------------------------------------ the two loaders


class SklearnModel:
    """Cairn's own loader of MLflow's scikit-learn flavour, answering as MLflow's scoring server does."""

    loader = "cairn-sklearn"

    def __init__(self, model_dir, mlmodel):
        import pickle

        import numpy as np
        import pandas as pd

        self.np, self.pd = np, pd
        flavors = mlmodel.get("flavors") or {}
        sklearn_conf = flavors.get("sklearn")
        pyfunc_conf = flavors.get("python_function") or {}
        if sklearn_conf is None and pyfunc_conf.get("loader_module") != "mlflow.sklearn":
            names = ", ".join(sorted(flavors)) or "none"
            raise LoadError(
                f"This model's flavours ({names}) need mlflow in the chosen Python ({sys.executable}); Cairn's own loader "
                "reads only the scikit-learn flavour. Install mlflow into that Python, or choose a Python that has it."
            )
        pickled = (sklearn_conf or {}).get("pickled_model") or pyfunc_conf.get("model_path") or "model.pkl"
        if (sklearn_conf or {}).get("serialization_format") == "cloudpickle":
            try:
                import cloudpickle  # noqa: F401  (cloudpickled models can need it to unpickle)
            except ImportError:
                pass
        with open(os.path.join(model_dir, pickled), "rb") as handle:
            self.model = pickle.load(handle)
        self.predict_fn = getattr(self.model, pyfunc_conf.get("predict_fn") or "predict")
        self.schema = read_signature(mlmodel)
        self.class_name = type(self.model).__name__
        self.array_native = is_array_native(self.model)
        names = getattr(self.model, "feature_names_in_", None)
        self.feature_names = list(names) if names is not None else None

    def invoke(self, content_type, body):
        np, pd = self.np, self.pd
        mime, params, error = parse_content_type(content_type)
        if error:
            return 415, error, False
        text = body.decode("utf-8")
        unwrapped = False
        if mime == CONTENT_TYPE_CSV:
            data = self.parse_csv(text)
        elif mime == CONTENT_TYPE_JSON:
            payload = decode_json_input(text)
            if any(key in payload for key in LLM_FORMATS):
                data, unwrapped = payload, True
            else:
                formats = {k: v for k, v in payload.items() if k in SUPPORTED_FORMATS}
                keys = set(formats)
                if len(keys) != 1:
                    raise ScoringError(
                        f"{REQUIRED_INPUT_FORMAT}. Received dictionary with input fields: {list(formats.keys())}. {SCORING_PROTOCOL_CHANGE_INFO}"
                    )
                key = keys.pop()
                if key in (INSTANCES, INPUTS):
                    data = parse_tf_serving_input(formats, self.schema, np)
                else:
                    data = dataframe_from_parsed_json(formats[key], key[10:], self.schema, np, pd)
        else:
            return 415, f"This predictor only supports the following content types: Types: {CONTENT_TYPES}. Got '{content_type}'.", False
        predictions = self.predict(data)
        jsonable = jsonable_predictions(predictions, np, pd)
        return 200, json.dumps(jsonable if unwrapped else {"predictions": jsonable}, cls=numpy_encoder(np, pd)), True

    def fast_input(self):
        """The columns of a matrix frame, when the signature allows one."""
        return {"columns": self.schema.names} if self.schema is not None and self.schema.all_named_doubles else None

    def invoke_matrix(self, frame):
        np, pd = self.np, self.pd
        (rows,) = struct.unpack_from("<I", frame, 1)
        values = np.frombuffer(frame, dtype="<f8", offset=5).reshape(rows, len(self.schema.names))
        predictions = self.predict(pd.DataFrame(values, columns=self.schema.names))
        return 200, json.dumps({"predictions": jsonable_predictions(predictions, np, pd)}, cls=numpy_encoder(np, pd)), True

    def parse_csv(self, text):
        pd = self.pd
        try:
            if self.schema is None or self.schema.is_tensor:
                return pd.read_csv(io.StringIO(text))
            dtypes = {s.name: NUMPY_TYPES[s.type] for s in self.schema.inputs if s.name is not None}
            return pd.read_csv(io.StringIO(text), dtype=dtypes)
        except Exception as e:
            raise ScoringError(
                "Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted Pandas "
                f"DataFrame produced using the `pandas.DataFrame.to_csv()` method. Error: '{e}'",
                "BAD_REQUEST",
                traceback.format_exc(),
            )

    def predict(self, data):
        if self.schema is not None:
            try:
                data = enforce_schema(data, self.schema, self.np, self.pd)
            except Exception as e:
                raise ScoringError(
                    f"Failed to predict data '{data}'. \nError: Failed to enforce schema of data '{data}' with schema '{self.schema}'. Error: {e}",
                    "INVALID_PARAMETER_VALUE",
                )
        try:
            if self.array_native and isinstance(data, self.pd.DataFrame) and self.names_match(data):
                # The estimator turns its input into this very array first; handing it over skips
                # pandas' per-column checks, a millisecond for a one-row request.
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", message="X does not have valid feature names")
                    return self.predict_fn(data.to_numpy())
            return self.predict_fn(data)
        except Exception:
            raise ScoringError(
                "Encountered an unexpected error while evaluating the model. Verify that the serialized input "
                "Dataframe is compatible with the model for inference.",
                "BAD_REQUEST",
                traceback.format_exc(),
            )

    def names_match(self, frame):
        return self.feature_names is None or list(frame.columns) == self.feature_names


# Estimators that begin predict by turning X into one numeric array and use no column by name.
ARRAY_NATIVE_MODULES = (
    "sklearn.linear_model",
    "sklearn.svm",
    "sklearn.tree",
    "sklearn.neighbors",
    "sklearn.naive_bayes",
    "sklearn.discriminant_analysis",
    "sklearn.neural_network",
    "sklearn.kernel_ridge",
    "sklearn.ensemble._forest",
    "sklearn.ensemble._gb",
    "sklearn.ensemble._hist_gradient_boosting",
)
META_ATTRIBUTES = ("steps", "transformers", "estimator", "estimators", "base_estimator", "func")


def is_array_native(model):
    module = type(model).__module__
    if not any(module == m or module.startswith(m + ".") for m in ARRAY_NATIVE_MODULES):
        return False
    return not any(hasattr(model, attribute) for attribute in META_ATTRIBUTES)


class PyfuncModel:
    """A model loaded by mlflow.pyfunc and scored by MLflow's own scoring-server functions."""

    loader = "mlflow-pyfunc"

    def __init__(self, model_dir):
        import mlflow.pyfunc
        from mlflow.pyfunc import scoring_server

        self.scoring_server = scoring_server
        self.model = mlflow.pyfunc.load_model(model_dir)
        self.schema = self.model.metadata.get_input_schema()
        self.class_name = type(self.model).__name__

    def invoke(self, content_type, body):
        mime, _, error = parse_content_type(content_type)
        if error:
            return 415, error, False
        if mime not in CONTENT_TYPES:
            return 415, f"This predictor only supports the following content types: Types: {CONTENT_TYPES}. Got '{content_type}'.", False
        from mlflow.exceptions import MlflowException

        try:
            result = self.scoring_server.invocations(body.decode("utf-8"), content_type, self.model, self.schema)
        except MlflowException as e:
            return e.get_http_status_code(), e.serialize_as_json(), True
        return result.status, result.response, result.mimetype == CONTENT_TYPE_JSON


class LoadError(Exception):
    """The model cannot be loaded by the loader chosen; the message says why and what to do."""


def parse_content_type(content_type):
    """The media type and parameters, or the 415 text MLflow answers for a charset or parameter it refuses."""
    parts = [p.strip() for p in (content_type or "").split(";")]
    params = {key: value for pair in parts[1:] for key, _, value in [pair.partition("=")]}
    if params.get("charset", "utf-8").lower() != "utf-8":
        return parts[0], params, "The scoring server only supports UTF-8"
    unexpected = set(params) - {"charset"}
    if unexpected:
        return parts[0], params, f"Unrecognized content type parameters: {', '.join(unexpected)}. {SCORING_PROTOCOL_CHANGE_INFO}"
    return parts[0], params, None


def jsonable_predictions(data, np, pd):
    if isinstance(data, np.ndarray):
        return data.tolist()
    if isinstance(data, pd.DataFrame):
        return data.to_dict(orient="records")
    if isinstance(data, pd.Series):
        return pd.DataFrame(data).to_dict(orient="records")
    return data


def numpy_encoder(np, pd):
    import base64
    import datetime

    class NumpyEncoder(json.JSONEncoder):
        def default(self, o):
            if isinstance(o, np.ndarray):
                return o.tolist()
            if isinstance(o, np.generic):
                return o.item()
            if isinstance(o, (bytes, bytearray)):
                return base64.encodebytes(o).decode("ascii")
            if isinstance(o, (pd.Timestamp, datetime.date, datetime.datetime, datetime.time)):
                return o.isoformat()
            return super().default(o)

    return NumpyEncoder


# ------------------------------------------------------------------ main loop


def has_mlflow():
    import importlib.util

    return importlib.util.find_spec("mlflow") is not None


def main(model_dir):
    """Serves one model folder over stdin/stdout until stdin closes; returns the exit status."""
    loader_choice = os.environ.get("CAIRN_MODEL_LOADER", "auto")
    channel = Channel()
    use_mlflow = loader_choice == "mlflow" or (loader_choice == "auto" and has_mlflow())
    mlflow_version = None
    if use_mlflow:
        import importlib.metadata

        try:
            mlflow_version = importlib.metadata.version("mlflow")
        except importlib.metadata.PackageNotFoundError:
            mlflow_version = importlib.metadata.version("mlflow-skinny")
    channel.event(
        "hello",
        python=sys.version.split()[0],
        executable=sys.executable,
        pid=os.getpid(),
        loader="mlflow-pyfunc" if use_mlflow else "cairn-sklearn",
        mlflowVersion=mlflow_version,
    )

    started = time.monotonic()
    try:
        report = check_requirements(model_dir, serving_by_cairn=not use_mlflow)
    except Exception as e:
        channel.event("failed", step="requirements", message=f"Could not read the model's requirements: {e}", traceback=traceback.format_exc())
        return EXIT_MISSING_REQUIREMENTS
    channel.event("requirements", seconds=time.monotonic() - started, **report)
    if report["missing"]:
        channel.event(
            "failed",
            step="requirements",
            message=(
                f"The model needs packages that {sys.executable} (Python {sys.version.split()[0]}) does not have: "
                f"{', '.join(report['missing'])}. Install them into that Python, or choose another Python "
                "(the local target's python setting)."
            ),
            missing=report["missing"],
        )
        return EXIT_MISSING_REQUIREMENTS

    started = time.monotonic()
    try:
        if use_mlflow:
            model = PyfuncModel(model_dir)
        else:
            model = SklearnModel(model_dir, read_yaml(os.path.join(model_dir, "MLmodel")))
    except LoadError as e:
        channel.event("failed", step="load", message=str(e))
        return EXIT_LOAD_FAILED
    except Exception as e:
        channel.event("failed", step="load", message=f"{type(e).__name__}: {e}", traceback=traceback.format_exc())
        return EXIT_LOAD_FAILED
    channel.event("loaded", seconds=time.monotonic() - started, modelClass=model.class_name, loader=model.loader)
    channel.event("ready", fastInput=model.fast_input() if isinstance(model, SklearnModel) else None)

    while True:
        frame = channel.read()
        if frame is None:
            return 0
        kind = frame[0]
        if kind == 0x50:  # P: ping
            channel.reply(200, "\n")
            continue
        try:
            if kind == 0x4D:  # M: a matrix the host parsed
                status, response, is_json = model.invoke_matrix(frame)
            else:
                (type_length,) = struct.unpack_from("<H", frame, 1)
                content_type = frame[3 : 3 + type_length].decode("latin-1")
                status, response, is_json = model.invoke(content_type, frame[3 + type_length :])
        except ScoringError as e:
            status, response, is_json = HTTP_STATUS.get(e.error_code, 500), e.body(), True
        except UnicodeDecodeError as e:
            status, response, is_json = 400, ScoringError(f"Invalid input. The body is not UTF-8: {e}").body(), True
        except Exception as e:
            status = 500
            response = ScoringError(f"{type(e).__name__}: {e}", "INTERNAL_ERROR", traceback.format_exc()).body()
            is_json = True
        channel.reply(status, response, is_json)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
