/**
 * A trained network as an ONNX model: one graph from the image to the probabilities of the
 * classes, which ONNX Runtime runs without this project — in a server, a browser
 * (`onnxruntime-web`) or a phone. Each layer is one or two standard operators:
 *
 *     conv → Conv      maxpool → MaxPool     flatten → Flatten     dense → Gemm (transB = 1)
 *     sigmoid, tanh, relu → Sigmoid, Tanh, Relu      silu → x · Sigmoid(x)
 *     dropout → Identity (it drops nothing once trained)      the output → Softmax over the classes
 *
 * Names say what each tensor is: the input `image` (batch × 1 × 28 × 28, also for the MLP, which
 * flattens it first), `conv1.weight`, `dense5.bias`, `relu2.output`, …, `logits` and
 * `probabilities`; the weights keep PyTorch's layouts (see `torch_layout.ts`). The run's settings
 * and data set go into `metadata_props`.
 *
 * @module
 */

import type { SavedModel } from "../run/experiment.ts";
import { MNIST_SHAPE, shapesOf } from "../nn/sequential.ts";
import { sizeOf } from "../nn/layers/layer.ts";
import { formatLayers } from "../nn/layers/spec.ts";
import { exportMetadata, PRODUCER } from "./metadata.ts";
import { architectureOf, isFlat, torchParameters, torchStateDict } from "./torch_layout.ts";
import { isSequential, type Shape } from "../nn/network.ts";

/**
 * The operator set the graph is written for (ONNX 1.16's: recent, and every ONNX Runtime since
 * 1.18 runs it; later sets change none of these operators but for new element types), and the IR
 * version that goes with it.
 */
export const ONNX_OPSET = 21;
export const ONNX_IR_VERSION = 10;

// TensorProto's element types and AttributeProto's types, as onnx.proto numbers them.
const ONNX_FLOAT = 1, ONNX_INT64 = 7, ATTRIBUTE_INT = 2, ATTRIBUTE_INTS = 7;

type Attribute = { name: string; type: number; i?: number; ints?: number[] };
type Node = {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute?: Attribute[];
  doc_string?: string;
};
type Tensor = {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
  doc_string?: string;
};

const ints = (name: string, values: number[]): Attribute => ({
  name,
  type: ATTRIBUTE_INTS,
  ints: values,
});
const int = (name: string, value: number): Attribute => ({ name, type: ATTRIBUTE_INT, i: value });

function floatTensor(name: string, dims: number[], values: Float32Array, doc: string): Tensor {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
  return { name, dims, data_type: ONNX_FLOAT, raw_data: raw, doc_string: doc };
}

function int64Tensor(name: string, values: number[], doc: string): Tensor {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return { name, dims: [values.length], data_type: ONNX_INT64, raw_data: raw, doc_string: doc };
}

function valueInfo(name: string, dims: (number | string)[], doc: string) {
  return {
    name,
    doc_string: doc,
    type: {
      tensor_type: {
        elem_type: ONNX_FLOAT,
        shape: {
          dim: dims.map((d) => typeof d === "string" ? { dim_param: d } : { dim_value: d }),
        },
      },
    },
  };
}

/**
 * The ONNX graph of a saved model, ready to write to a `.onnx` file.
 *
 * The protobuf encoder is loaded on the first call, not with the library: most notebooks never
 * export.
 *
 * @returns the bytes of the ModelProto
 * @example
 * ```ts
 * import { createNetwork, exportOnnx, resolveSettings } from "../mod.ts";
 * const model = { network: createNetwork(), settings: resolveSettings("assignment"), history: [] };
 * (await exportOnnx(model)).length > 400_000; // true: 109,386 float32 parameters
 * ```
 */
export async function exportOnnx(model: SavedModel): Promise<Uint8Array> {
  const { ModelProto } = await import("./onnx_schema.ts");
  const { network } = model;
  const architecture = architectureOf(network);
  const { layers } = architecture;
  // The MLP reads a flat image; the graph takes the image, as every exported model does.
  const image: Shape = isSequential(network)
    ? architecture.input
    : sizeOf(architecture.input) === sizeOf(MNIST_SHAPE)
    ? MNIST_SHAPE
    : architecture.input;
  const shapes = shapesOf(architecture.input, layers);
  const state = torchStateDict(network);
  const places = torchParameters(architecture);
  const nodes: Node[] = [], initializers: Tensor[] = [];
  let current = "image", flat = isFlat(image), parameter = 0;

  layers.forEach((layer, i) => {
    const kind = layer.type === "activation" ? layer.activation : layer.type;
    const name = `${kind}${i + 1}`;
    const out = i === layers.length - 1 ? "logits" : `${name}.output`;
    const before = i === 0 ? image : shapes[i - 1];
    const text = formatLayers([layer]);
    // Convolution and pooling need the batch × C × H × W form back after a flat layer.
    const asImage = () => {
      if (!flat) return;
      initializers.push(
        int64Tensor(`${name}.image_shape`, [0, before.channels, before.height, before.width], ""),
      );
      nodes.push({
        name: `${name}.reshape`,
        op_type: "Reshape",
        input: [current, `${name}.image_shape`],
        output: [current = `${name}.image`],
      });
      flat = false;
    };
    const weights = () => {
      const place = places[parameter++];
      const [w, b] = state.filter((t) =>
        t.name === place.weight.name || t.name === place.bias.name
      );
      initializers.push(
        floatTensor(
          `${name}.weight`,
          w.shape,
          w.data,
          `${text}: PyTorch's ${w.name}, [${w.shape}]`,
        ),
        floatTensor(`${name}.bias`, b.shape, b.data, `${text}: PyTorch's ${b.name}`),
      );
      return [`${name}.weight`, `${name}.bias`];
    };
    switch (layer.type) {
      case "conv":
        asImage();
        nodes.push({
          name,
          op_type: "Conv",
          input: [current, ...weights()],
          output: [out],
          attribute: [
            ints("kernel_shape", [layer.size, layer.size]),
            ints("pads", [layer.padding, layer.padding, layer.padding, layer.padding]),
            ints("strides", [1, 1]),
          ],
        });
        break;
      case "maxpool":
        asImage();
        nodes.push({
          name,
          op_type: "MaxPool",
          input: [current],
          output: [out],
          attribute: [
            ints("kernel_shape", [layer.size, layer.size]),
            ints("strides", [layer.size, layer.size]),
          ],
        });
        break;
      case "flatten":
        nodes.push({
          name,
          op_type: "Flatten",
          input: [current],
          output: [out],
          attribute: [int("axis", 1)],
        });
        flat = true;
        break;
      case "dense":
        if (!flat) {
          // The project's dense layer reads an image as its flat vector: say so in the graph.
          nodes.push({
            name: `${name}.flatten`,
            op_type: "Flatten",
            input: [current],
            output: [current = `${name}.input`],
            attribute: [int("axis", 1)],
          });
          flat = true;
        }
        nodes.push({
          name,
          op_type: "Gemm",
          input: [current, ...weights()],
          output: [out],
          attribute: [int("transB", 1)],
        });
        break;
      case "activation":
        if (layer.activation === "silu") {
          nodes.push(
            {
              name: `${name}.sigmoid`,
              op_type: "Sigmoid",
              input: [current],
              output: [`${name}.sigmoid`],
            },
            {
              name,
              op_type: "Mul",
              input: [current, `${name}.sigmoid`],
              output: [out],
              doc_string: "SiLU: x · σ(x)",
            },
          );
        } else {
          const op = { sigmoid: "Sigmoid", tanh: "Tanh", relu: "Relu" }[layer.activation];
          nodes.push({ name, op_type: op, input: [current], output: [out] });
        }
        break;
      case "batchnorm": {
        // At inference, with the running averages; ONNX's ε is 1e-5 unless told, as the project's.
        const place = places[parameter++];
        const tensors = [
          place.weight,
          place.bias,
          place.statistics!.mean,
          place.statistics!.variance,
        ]
          .map((wanted, k) => {
            const found = state.find((t) => t.name === wanted.name)!;
            const role = ["scale", "bias", "mean", "variance"][k];
            initializers.push(
              floatTensor(
                `${name}.${role}`,
                found.shape,
                found.data,
                `${text}: PyTorch's ${found.name}`,
              ),
            );
            return `${name}.${role}`;
          });
        nodes.push({
          name,
          op_type: "BatchNormalization",
          input: [current, ...tensors],
          output: [out],
        });
        break;
      }
      case "dropout":
        nodes.push({
          name,
          op_type: "Identity",
          input: [current],
          output: [out],
          doc_string: `${text}: drops units only while training`,
        });
        break;
    }
    current = out;
  });
  const classes = network.sizes.at(-1)!;
  nodes.push({
    name: "softmax",
    op_type: "Softmax",
    input: ["logits"],
    output: ["probabilities"],
    attribute: [int("axis", 1)],
  });
  const imageDims = isFlat(image)
    ? ["batch", sizeOf(image)]
    : ["batch", image.channels, image.height, image.width];
  const metadata = exportMetadata(model, { input: image });
  const message = ModelProto.fromObject({
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: "", version: ONNX_OPSET }],
    producer_name: PRODUCER,
    producer_version: "1",
    doc_string: `${metadata.network}, trained on ${model.settings.dataset}`,
    graph: {
      name: metadata.network,
      node: nodes,
      initializer: initializers,
      input: [valueInfo("image", imageDims, metadata.input)],
      output: [
        valueInfo("probabilities", ["batch", classes], "the probability of each class"),
      ],
    },
    metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return ModelProto.encode(message).finish();
}
