"""PyTorch (CPU, one thread) versions of the eight seqlab zoo models, timed on the lesson's training epoch.

Run by `pnpm bench` when Debian's python3-torch is installed, so that the PyTorch column is measured in the same run
as seqlab, on the same machine; prints one JSON object on stdout.

    /usr/bin/python3 bench/pytorch/zoo_epoch.py [--models lstm,gru] [--batches 40] [--rows 20000]

Each model mirrors its zoo twin (packages/models/src/zoo/*.ts): Embedding(500, 16) (or per-batch one-hot), the same
recurrent/convolutional layers and sizes, Dense(1, sigmoid); RMSprop(lr=1e-4, alpha=0.9, eps=1e-7), binary
cross-entropy, batches of 64 ids × 100 steps. PyTorch's LSTM/RNN keep two bias vectors where Keras keeps one (a few
dozen parameters more); Keras' per-sequence input dropout is nn.Dropout here. The epoch time is the mean of `batches`
timed training steps (after two warm-up steps) times the steps of an epoch (ceil(rows / 64)).
"""
import argparse
import json
import math
import time

import torch
from torch import nn
from torch.nn import functional as F

NUM_WORDS, MAXLEN, EMB, UNITS, BATCH = 500, 100, 16, 8, 64


class Head(nn.Module):
    def __init__(self, body, features):
        super().__init__()
        self.body = body
        self.dense = nn.Linear(features, 1)

    def forward(self, ids):
        return torch.sigmoid(self.dense(self.body(ids)))


class OneHotRnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(NUM_WORDS, UNITS, batch_first=True)

    def forward(self, ids):
        return self.rnn(F.one_hot(ids, NUM_WORDS).float())[1][-1]


class EmbeddingRnn(nn.Module):
    def __init__(self, cell, layers=1, dropout=0.0):
        super().__init__()
        self.embedding = nn.Embedding(NUM_WORDS, EMB)
        self.dropout = nn.Dropout(dropout)
        self.layers = nn.ModuleList(
            [cell(EMB if i == 0 else UNITS, UNITS, batch_first=True) for i in range(layers)]
        )

    def forward(self, ids):
        h = self.embedding(ids)
        for layer in self.layers:
            out = layer(self.dropout(h))
            h = out[0]
        return h[:, -1]


class BidirectionalLstm(nn.Module):
    """Keras Bidirectional(LSTM(8), merge_mode='concat'): the forward and the backward final states, concatenated."""

    def __init__(self, dropout=0.3):
        super().__init__()
        self.embedding = nn.Embedding(NUM_WORDS, EMB)
        self.dropout = nn.Dropout(dropout)
        self.lstm = nn.LSTM(EMB, UNITS, batch_first=True, bidirectional=True)

    def forward(self, ids):
        _, (h, _) = self.lstm(self.dropout(self.embedding(ids)))
        return torch.cat([h[0], h[1]], dim=1)


class PeepholeLstm(nn.Module):
    """tf.keras PeepholeLSTMCell: i, f use c_{t-1}, o uses c_t; a Python loop over the 100 steps."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(NUM_WORDS, EMB)
        self.dropout = nn.Dropout(0.3)
        self.kernel = nn.Linear(EMB, 4 * UNITS)
        self.recurrent = nn.Linear(UNITS, 4 * UNITS, bias=False)
        self.peep = nn.Parameter(torch.zeros(3, UNITS))

    def forward(self, ids):
        x = self.kernel(self.dropout(self.embedding(ids)))
        h = x.new_zeros(ids.shape[0], UNITS)
        c = x.new_zeros(ids.shape[0], UNITS)
        for t in range(ids.shape[1]):
            z = x[:, t] + self.recurrent(h)
            zi, zf, zc, zo = z.chunk(4, dim=1)
            i = torch.sigmoid(zi + self.peep[0] * c)
            f = torch.sigmoid(zf + self.peep[1] * c)
            c = f * c + i * torch.tanh(zc)
            o = torch.sigmoid(zo + self.peep[2] * c)
            h = o * torch.tanh(c)
        return h


class Conv(nn.Module):
    def __init__(self, filters=32, kernel=5):
        super().__init__()
        self.embedding = nn.Embedding(NUM_WORDS, EMB)
        self.conv = nn.Conv1d(EMB, filters, kernel)

    def forward(self, ids):
        h = F.relu(self.conv(self.embedding(ids).transpose(1, 2)))
        return h.max(dim=2).values


class CausalConv(nn.Conv1d):
    def forward(self, x):
        pad = (self.kernel_size[0] - 1) * self.dilation[0]
        return super().forward(F.pad(x, (pad, 0)))


class Wavenet(nn.Module):
    def __init__(self, filters=16, skip=16, kernel=2, dilations=(1, 2, 4, 8)):
        super().__init__()
        self.embedding = nn.Embedding(NUM_WORDS, EMB)
        self.causal = CausalConv(EMB, filters, kernel)
        self.filt = nn.ModuleList([CausalConv(filters, filters, kernel, dilation=d) for d in dilations])
        self.gate = nn.ModuleList([CausalConv(filters, filters, kernel, dilation=d) for d in dilations])
        self.skip = nn.ModuleList([nn.Conv1d(filters, skip, 1) for _ in dilations])
        self.res = nn.ModuleList([nn.Conv1d(filters, filters, 1) for _ in dilations[:-1]])

    def forward(self, ids):
        h = self.causal(self.embedding(ids).transpose(1, 2))
        skips = 0
        for i in range(len(self.filt)):
            z = torch.tanh(self.filt[i](h)) * torch.sigmoid(self.gate[i](h))
            skips = skips + self.skip[i](z)
            if i < len(self.res):
                h = h + self.res[i](z)
        return F.relu(skips).max(dim=2).values


MODELS = {
    'simple-rnn-onehot': lambda: Head(OneHotRnn(), UNITS),
    'embedding-simple-rnn': lambda: Head(EmbeddingRnn(nn.RNN), UNITS),
    'lstm': lambda: Head(EmbeddingRnn(nn.LSTM, dropout=0.3), UNITS),
    'stacked-lstm': lambda: Head(EmbeddingRnn(nn.LSTM, layers=2, dropout=0.3), UNITS),
    'gru': lambda: Head(EmbeddingRnn(nn.GRU), UNITS),
    'peephole-lstm': lambda: Head(PeepholeLstm(), UNITS),
    'conv1d': lambda: Head(Conv(), 32),
    'wavenet': lambda: Head(Wavenet(), 16),
    'bidirectional-lstm': lambda: Head(BidirectionalLstm(), 2 * UNITS),
}


def epoch_seconds(name, batches, rows):
    torch.manual_seed(0)
    model = MODELS[name]()
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-4, alpha=0.9, eps=1e-7)
    loss_fn = nn.BCELoss()
    ids = torch.randint(0, NUM_WORDS, (BATCH, MAXLEN))
    labels = torch.randint(0, 2, (BATCH, 1)).float()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(ids), labels)
        loss.backward()
        optimizer.step()

    model.train()
    for _ in range(2):
        step()
    start = time.perf_counter()
    for _ in range(batches):
        step()
    per_batch = (time.perf_counter() - start) / batches
    return {
        'secondsPerEpoch': per_batch * math.ceil(rows / BATCH),
        'msPerBatch': per_batch * 1000,
        'batches': batches,
        'params': sum(p.numel() for p in model.parameters()),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--models', default=','.join(MODELS))
    parser.add_argument('--batches', type=int, default=40)
    parser.add_argument('--rows', type=int, default=20000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    out = {'torch': torch.__version__, 'threads': torch.get_num_threads(), 'models': {}}
    for name in args.models.split(','):
        if name in MODELS:
            out['models'][name] = epoch_seconds(name, args.batches, args.rows)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
