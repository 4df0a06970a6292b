"""Load Hugging Face causal or seq2seq models, or build tiny ones from a config (no download)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import torch

from synth.bench.config import ModelSpec
from synth.errors import BenchError


class Codec(Protocol):
    """What the benchmark needs of a tokenizer."""

    eos_id: int
    pad_id: int
    vocab_size: int

    def encode(self, text: str) -> list[int]:
        """Token ids of text."""
        ...

    def decode(self, ids: list[int]) -> str:
        """Text of token ids, special tokens dropped."""
        ...


class ByteCodec:
    """Byte-level tokenizer for tiny models: ids 0-255 are bytes, then pad and eos."""

    pad_id = 256
    eos_id = 257
    vocab_size = 258

    def encode(self, text: str) -> list[int]:
        """UTF-8 bytes as ids."""
        return list(text.encode("utf-8"))

    def decode(self, ids: list[int]) -> str:
        """Bytes back to text (invalid sequences replaced)."""
        return bytes(i for i in ids if i < 256).decode("utf-8", errors="replace")


class HFCodec:
    """Adapter over a transformers tokenizer."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.eos_id = int(tokenizer.eos_token_id if tokenizer.eos_token_id is not None else 0)
        pad = tokenizer.pad_token_id
        self.pad_id = int(pad if pad is not None else self.eos_id)
        self.vocab_size = len(tokenizer)

    def encode(self, text: str) -> list[int]:
        """Token ids without special tokens."""
        return list(self.tokenizer.encode(text, add_special_tokens=False))

    def decode(self, ids: list[int]) -> str:
        """Text with special tokens dropped."""
        return str(self.tokenizer.decode(ids, skip_special_tokens=True))


@dataclass
class LoadedModel:
    """A model ready to generate; ``model`` is None for the oracle."""

    spec: ModelSpec
    model: Any
    codec: Codec
    device: torch.device

    @property
    def is_seq2seq(self) -> bool:
        """Whether the model is encoder-decoder."""
        return self.spec.kind == "seq2seq"


def build_tiny(spec: ModelSpec, vocab_size: int) -> Any:
    """A randomly initialised tiny model (GPT-2, Llama or T5) from a transformers config, seeded."""
    import transformers

    torch.manual_seed(spec.seed)
    codec = ByteCodec()
    common: dict[str, Any] = {
        "vocab_size": vocab_size,
        "bos_token_id": codec.eos_id,
        "eos_token_id": codec.eos_id,
        "pad_token_id": codec.pad_id,
    }
    config: Any
    if spec.arch == "llama":
        config = transformers.LlamaConfig(
            hidden_size=spec.hidden, intermediate_size=spec.hidden * 2,
            num_hidden_layers=spec.layers, num_attention_heads=spec.heads,
            num_key_value_heads=spec.heads, max_position_embeddings=1024, **common,
        )  # fmt: skip
        llama: Any = transformers.LlamaForCausalLM(config)
        return llama.eval()
    if spec.arch == "t5":
        if spec.kind != "seq2seq":
            raise BenchError(f"model {spec.name}: arch t5 is encoder-decoder; set kind = 'seq2seq'")
        # The decoder starts from pad, as T5 does; passed via a dict the stubs do not list.
        start: dict[str, Any] = {"decoder_start_token_id": codec.pad_id}
        config = transformers.T5Config(
            d_model=spec.hidden, d_kv=spec.hidden // spec.heads, d_ff=spec.hidden * 2,
            num_layers=spec.layers, num_decoder_layers=spec.layers, num_heads=spec.heads,
            **common, **start,
        )  # fmt: skip
        t5: Any = transformers.T5ForConditionalGeneration(config)
        return t5.eval()
    config = transformers.GPT2Config(
        n_embd=spec.hidden, n_layer=spec.layers, n_head=spec.heads, n_positions=1024, **common
    )
    gpt2: Any = transformers.GPT2LMHeadModel(config)
    return gpt2.eval()


def load_model(spec: ModelSpec) -> LoadedModel:
    """Load or build the model a spec names (hub access only if the caller's env allows it)."""
    device = torch.device(spec.device)
    if spec.threads is not None:
        torch.set_num_threads(spec.threads)
    if spec.source == "oracle":
        return LoadedModel(spec, None, ByteCodec(), device)
    if spec.source == "tiny":
        codec = ByteCodec()
        return LoadedModel(spec, build_tiny(spec, codec.vocab_size).to(device), codec, device)
    import transformers

    name = spec.path or spec.name
    auto = (
        transformers.AutoModelForSeq2SeqLM
        if spec.kind == "seq2seq"
        else transformers.AutoModelForCausalLM
    )
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(name)
        model: Any = auto.from_pretrained(name, dtype=getattr(torch, spec.dtype))
    except (OSError, ValueError) as exc:
        raise BenchError(f"cannot load model {name!r}: {exc}") from exc
    return LoadedModel(spec, model.to(device).eval(), HFCodec(tokenizer), device)


def parameter_count(loaded: LoadedModel) -> int:
    """Number of parameters (0 for the oracle)."""
    if loaded.model is None:
        return 0
    return int(sum(p.numel() for p in loaded.model.parameters()))
