"""The 2021 notebook "Building your Recurrent Neural Network - Step by Step": its cells, run as written.

A learner who pastes a cell of the notebook into a Python session gets the course's behaviour when the session
has imported the project's course-API module in place of the notebook's ``from rnn_utils import *`` (here the
module is installed under that name, so the notebook's own import line runs unchanged). Each test runs one
call of the notebook exactly as its cell is written (``exec`` of the cell text), checks the called function's
signature against the course's, and compares what the cell prints with the notebook's *Expected Output*:
the same words and layout (whitespace aside) and every number within 1e-8 (the notebook printed 8 to 12
digits). The rnn_utils helpers the notebook imports get one test each.

Cells and expected outputs: ``Building_a_Recurrent_Neural_Network_Step_by_Step.ipynb`` (2021) in
amanchadha/coursera-deep-learning-specialization at e9de0f4d1549b5a974c7f5cba013097fe162a798, folder
``C5 - Sequence Models/Week 1/Building a Recurrent Neural Network - Step by Step/``, sections 1.1, 1.2, 2.1,
2.2, 3.1, 3.2 and 3.3. The forward cells end with two lines calling the course's hidden tests
(``public_tests.py``, not part of the project); those two lines are left out, and said so at each cell.
"""
from __future__ import annotations

import sys

import numpy as np
import pytest

from assignments.rnn_step_by_step import course
from tests.notebook_checks import assert_printout, assert_signature, printout_mismatches, run_cell, signature_mismatches

IMPORT_CELL = "import numpy as np\nfrom rnn_utils import *\n"  # the notebook's first cell, less `from public_tests import *`


@pytest.fixture
def session(monkeypatch):
    """A fresh notebook session after its import cell, with the project's course module as ``rnn_utils``."""
    monkeypatch.setitem(sys.modules, "rnn_utils", course)
    namespace: dict = {}
    exec(IMPORT_CELL, namespace)
    return namespace



def test_import_cell_gives_the_course_names(session):
    for name in course.__all__:
        assert session[name] is getattr(course, name), name
    assert session["np"] is np


# ---------------------------------------------------------------- 1.1 RNN Cell (graded, UNQ_C1)

def test_rnn_cell_forward_cell(session):
    # the cell's last lines, "# UNIT TESTS" / "rnn_cell_forward_tests(rnn_cell_forward)", call public_tests.py
    printed = run_cell(session, """
np.random.seed(1)
xt_tmp = np.random.randn(3, 10)
a_prev_tmp = np.random.randn(5, 10)
parameters_tmp = {}
parameters_tmp['Waa'] = np.random.randn(5, 5)
parameters_tmp['Wax'] = np.random.randn(5, 3)
parameters_tmp['Wya'] = np.random.randn(2, 5)
parameters_tmp['ba'] = np.random.randn(5, 1)
parameters_tmp['by'] = np.random.randn(2, 1)

a_next_tmp, yt_pred_tmp, cache_tmp = rnn_cell_forward(xt_tmp, a_prev_tmp, parameters_tmp)
print("a_next[4] = \\n", a_next_tmp[4])
print("a_next.shape = \\n", a_next_tmp.shape)
print("yt_pred[1] =\\n", yt_pred_tmp[1])
print("yt_pred.shape = \\n", yt_pred_tmp.shape)
""")
    assert_printout(printed, """
a_next[4] =
 [ 0.59584544  0.18141802  0.61311866  0.99808218  0.85016201  0.99980978
 -0.18887155  0.99815551  0.6531151   0.82872037]
a_next.shape =
 (5, 10)
yt_pred[1] =
 [ 0.9888161   0.01682021  0.21140899  0.36817467  0.98988387  0.88945212
  0.36920224  0.9966312   0.9982559   0.17746526]
yt_pred.shape =
 (2, 10)
""")
    assert_signature(course.rnn_cell_forward, "def rnn_cell_forward(xt, a_prev, parameters):")
    cache = session["cache_tmp"]  # (a_next, a_prev, xt, parameters), as the course's hidden test checks
    assert len(cache) == 4 and cache[0] is session["a_next_tmp"] and cache[3] is session["parameters_tmp"]
    assert session["a_next_tmp"].dtype == np.float64


# ---------------------------------------------------------------- 1.2 RNN Forward Pass (graded, UNQ_C2)

def test_rnn_forward_cell(session):
    # the cell's last lines, "#UNIT TEST" / "rnn_forward_test(rnn_forward)", call public_tests.py
    printed = run_cell(session, """
np.random.seed(1)
x_tmp = np.random.randn(3, 10, 4)
a0_tmp = np.random.randn(5, 10)
parameters_tmp = {}
parameters_tmp['Waa'] = np.random.randn(5, 5)
parameters_tmp['Wax'] = np.random.randn(5, 3)
parameters_tmp['Wya'] = np.random.randn(2, 5)
parameters_tmp['ba'] = np.random.randn(5, 1)
parameters_tmp['by'] = np.random.randn(2, 1)

a_tmp, y_pred_tmp, caches_tmp = rnn_forward(x_tmp, a0_tmp, parameters_tmp)
print("a[4][1] = \\n", a_tmp[4][1])
print("a.shape = \\n", a_tmp.shape)
print("y_pred[1][3] =\\n", y_pred_tmp[1][3])
print("y_pred.shape = \\n", y_pred_tmp.shape)
print("caches[1][1][3] =\\n", caches_tmp[1][1][3])
print("len(caches) = \\n", len(caches_tmp))
""")
    assert_printout(printed, """
a[4][1] =
 [-0.99999375  0.77911235 -0.99861469 -0.99833267]
a.shape =
 (5, 10, 4)
y_pred[1][3] =
 [ 0.79560373  0.86224861  0.11118257  0.81515947]
y_pred.shape =
 (2, 10, 4)
caches[1][1][3] =
 [-1.1425182  -0.34934272 -0.20889423  0.58662319]
len(caches) =
 2
""")
    assert_signature(course.rnn_forward, "def rnn_forward(x, a0, parameters):")
    assert len(session["caches_tmp"][0]) == 4 and session["caches_tmp"][1] is session["x_tmp"]


# ---------------------------------------------------------------- 2.1 LSTM Cell (graded, UNQ_C3)

def test_lstm_cell_forward_cell(session):
    # the cell's last lines, "# UNIT TEST" / "lstm_cell_forward_test(lstm_cell_forward)", call public_tests.py
    printed = run_cell(session, """
np.random.seed(1)
xt_tmp = np.random.randn(3, 10)
a_prev_tmp = np.random.randn(5, 10)
c_prev_tmp = np.random.randn(5, 10)
parameters_tmp = {}
parameters_tmp['Wf'] = np.random.randn(5, 5 + 3)
parameters_tmp['bf'] = np.random.randn(5, 1)
parameters_tmp['Wi'] = np.random.randn(5, 5 + 3)
parameters_tmp['bi'] = np.random.randn(5, 1)
parameters_tmp['Wo'] = np.random.randn(5, 5 + 3)
parameters_tmp['bo'] = np.random.randn(5, 1)
parameters_tmp['Wc'] = np.random.randn(5, 5 + 3)
parameters_tmp['bc'] = np.random.randn(5, 1)
parameters_tmp['Wy'] = np.random.randn(2, 5)
parameters_tmp['by'] = np.random.randn(2, 1)

a_next_tmp, c_next_tmp, yt_tmp, cache_tmp = lstm_cell_forward(xt_tmp, a_prev_tmp, c_prev_tmp, parameters_tmp)

print("a_next[4] = \\n", a_next_tmp[4])
print("a_next.shape = ", a_next_tmp.shape)
print("c_next[2] = \\n", c_next_tmp[2])
print("c_next.shape = ", c_next_tmp.shape)
print("yt[1] =", yt_tmp[1])
print("yt.shape = ", yt_tmp.shape)
print("cache[1][3] =\\n", cache_tmp[1][3])
print("len(cache) = ", len(cache_tmp))
""")
    assert_printout(printed, """
a_next[4] =
 [-0.66408471  0.0036921   0.02088357  0.22834167 -0.85575339  0.00138482
  0.76566531  0.34631421 -0.00215674  0.43827275]
a_next.shape =  (5, 10)
c_next[2] =
 [ 0.63267805  1.00570849  0.35504474  0.20690913 -1.64566718  0.11832942
  0.76449811 -0.0981561  -0.74348425 -0.26810932]
c_next.shape =  (5, 10)
yt[1] = [ 0.79913913  0.15986619  0.22412122  0.15606108  0.97057211  0.31146381
  0.00943007  0.12666353  0.39380172  0.07828381]
yt.shape =  (2, 10)
cache[1][3] =
 [-0.16263996  1.03729328  0.72938082 -0.54101719  0.02752074 -0.30821874
  0.07651101 -1.03752894  1.41219977 -0.37647422]
len(cache) =  10
""")
    assert_signature(course.lstm_cell_forward, "def lstm_cell_forward(xt, a_prev, c_prev, parameters):")


# ---------------------------------------------------------------- 2.2 Forward Pass for LSTM (graded, UNQ_C4)

def test_lstm_forward_cell(session):
    # the cell's last lines, "# UNIT TEST" / "lstm_forward_test(lstm_forward)", call public_tests.py
    printed = run_cell(session, """
np.random.seed(1)
x_tmp = np.random.randn(3, 10, 7)
a0_tmp = np.random.randn(5, 10)
parameters_tmp = {}
parameters_tmp['Wf'] = np.random.randn(5, 5 + 3)
parameters_tmp['bf'] = np.random.randn(5, 1)
parameters_tmp['Wi'] = np.random.randn(5, 5 + 3)
parameters_tmp['bi']= np.random.randn(5, 1)
parameters_tmp['Wo'] = np.random.randn(5, 5 + 3)
parameters_tmp['bo'] = np.random.randn(5, 1)
parameters_tmp['Wc'] = np.random.randn(5, 5 + 3)
parameters_tmp['bc'] = np.random.randn(5, 1)
parameters_tmp['Wy'] = np.random.randn(2, 5)
parameters_tmp['by'] = np.random.randn(2, 1)

a_tmp, y_tmp, c_tmp, caches_tmp = lstm_forward(x_tmp, a0_tmp, parameters_tmp)
print("a[4][3][6] = ", a_tmp[4][3][6])
print("a.shape = ", a_tmp.shape)
print("y[1][4][3] =", y_tmp[1][4][3])
print("y.shape = ", y_tmp.shape)
print("caches[1][1][1] =\\n", caches_tmp[1][1][1])
print("c[1][2][1]", c_tmp[1][2][1])
print("len(caches) = ", len(caches_tmp))
""")
    assert_printout(printed, """
a[4][3][6] =  0.172117767533
a.shape =  (5, 10, 7)
y[1][4][3] = 0.95087346185
y.shape =  (2, 10, 7)
caches[1][1][1] =
 [ 0.82797464  0.23009474  0.76201118 -0.22232814 -0.20075807  0.18656139
  0.41005165]
c[1][2][1] -0.855544916718
len(caches) =  2
""")
    assert_signature(course.lstm_forward, "def lstm_forward(x, a0, parameters):")
    assert len(session["caches_tmp"][0]) == 7 and len(session["caches_tmp"][0][0]) == 10


# ---------------------------------------------------------------- 3.1 Basic RNN Backward Pass (optional)

def test_rnn_cell_backward_cell(session):
    printed = run_cell(session, """
np.random.seed(1)
xt_tmp = np.random.randn(3,10)
a_prev_tmp = np.random.randn(5,10)
parameters_tmp = {}
parameters_tmp['Wax'] = np.random.randn(5,3)
parameters_tmp['Waa'] = np.random.randn(5,5)
parameters_tmp['Wya'] = np.random.randn(2,5)
parameters_tmp['ba'] = np.random.randn(5,1)
parameters_tmp['by'] = np.random.randn(2,1)

a_next_tmp, yt_tmp, cache_tmp = rnn_cell_forward(xt_tmp, a_prev_tmp, parameters_tmp)

da_next_tmp = np.random.randn(5,10)
gradients_tmp = rnn_cell_backward(da_next_tmp, cache_tmp)
print("gradients[\\"dxt\\"][1][2] =", gradients_tmp["dxt"][1][2])
print("gradients[\\"dxt\\"].shape =", gradients_tmp["dxt"].shape)
print("gradients[\\"da_prev\\"][2][3] =", gradients_tmp["da_prev"][2][3])
print("gradients[\\"da_prev\\"].shape =", gradients_tmp["da_prev"].shape)
print("gradients[\\"dWax\\"][3][1] =", gradients_tmp["dWax"][3][1])
print("gradients[\\"dWax\\"].shape =", gradients_tmp["dWax"].shape)
print("gradients[\\"dWaa\\"][1][2] =", gradients_tmp["dWaa"][1][2])
print("gradients[\\"dWaa\\"].shape =", gradients_tmp["dWaa"].shape)
print("gradients[\\"dba\\"][4] =", gradients_tmp["dba"][4])
print("gradients[\\"dba\\"].shape =", gradients_tmp["dba"].shape)
""")
    # the notebook's Expected Output table, one row per print
    assert_printout(printed, """
gradients["dxt"][1][2] = -1.3872130506
gradients["dxt"].shape = (3, 10)
gradients["da_prev"][2][3] = -0.152399493774
gradients["da_prev"].shape = (5, 10)
gradients["dWax"][3][1] = 0.410772824935
gradients["dWax"].shape = (5, 3)
gradients["dWaa"][1][2] = 1.15034506685
gradients["dWaa"].shape = (5, 5)
gradients["dba"][4] = [ 0.20023491]
gradients["dba"].shape = (5, 1)
""")
    assert_signature(course.rnn_cell_backward, "def rnn_cell_backward(da_next, cache):")
    assert sorted(session["gradients_tmp"]) == sorted(["dxt", "da_prev", "dWax", "dWaa", "dba"])


def test_rnn_backward_cell(session):
    printed = run_cell(session, """
np.random.seed(1)
x_tmp = np.random.randn(3,10,4)
a0_tmp = np.random.randn(5,10)
parameters_tmp = {}
parameters_tmp['Wax'] = np.random.randn(5,3)
parameters_tmp['Waa'] = np.random.randn(5,5)
parameters_tmp['Wya'] = np.random.randn(2,5)
parameters_tmp['ba'] = np.random.randn(5,1)
parameters_tmp['by'] = np.random.randn(2,1)

a_tmp, y_tmp, caches_tmp = rnn_forward(x_tmp, a0_tmp, parameters_tmp)
da_tmp = np.random.randn(5, 10, 4)
gradients_tmp = rnn_backward(da_tmp, caches_tmp)

print("gradients[\\"dx\\"][1][2] =", gradients_tmp["dx"][1][2])
print("gradients[\\"dx\\"].shape =", gradients_tmp["dx"].shape)
print("gradients[\\"da0\\"][2][3] =", gradients_tmp["da0"][2][3])
print("gradients[\\"da0\\"].shape =", gradients_tmp["da0"].shape)
print("gradients[\\"dWax\\"][3][1] =", gradients_tmp["dWax"][3][1])
print("gradients[\\"dWax\\"].shape =", gradients_tmp["dWax"].shape)
print("gradients[\\"dWaa\\"][1][2] =", gradients_tmp["dWaa"][1][2])
print("gradients[\\"dWaa\\"].shape =", gradients_tmp["dWaa"].shape)
print("gradients[\\"dba\\"][4] =", gradients_tmp["dba"][4])
print("gradients[\\"dba\\"].shape =", gradients_tmp["dba"].shape)
""")
    assert_printout(printed, """
gradients["dx"][1][2] = [-2.07101689 -0.59255627  0.02466855  0.01483317]
gradients["dx"].shape = (3, 10, 4)
gradients["da0"][2][3] = -0.314942375127
gradients["da0"].shape = (5, 10)
gradients["dWax"][3][1] = 11.2641044965
gradients["dWax"].shape = (5, 3)
gradients["dWaa"][1][2] = 2.30333312658
gradients["dWaa"].shape = (5, 5)
gradients["dba"][4] = [-0.74747722]
gradients["dba"].shape = (5, 1)
""")
    assert_signature(course.rnn_backward, "def rnn_backward(da, caches):")
    assert sorted(session["gradients_tmp"]) == sorted(["dx", "da0", "dWax", "dWaa", "dba"])


# ---------------------------------------------------------------- 3.2 LSTM Backward Pass (optional)

def test_lstm_cell_backward_cell(session):
    printed = run_cell(session, """
np.random.seed(1)
xt_tmp = np.random.randn(3,10)
a_prev_tmp = np.random.randn(5,10)
c_prev_tmp = np.random.randn(5,10)
parameters_tmp = {}
parameters_tmp['Wf'] = np.random.randn(5, 5+3)
parameters_tmp['bf'] = np.random.randn(5,1)
parameters_tmp['Wi'] = np.random.randn(5, 5+3)
parameters_tmp['bi'] = np.random.randn(5,1)
parameters_tmp['Wo'] = np.random.randn(5, 5+3)
parameters_tmp['bo'] = np.random.randn(5,1)
parameters_tmp['Wc'] = np.random.randn(5, 5+3)
parameters_tmp['bc'] = np.random.randn(5,1)
parameters_tmp['Wy'] = np.random.randn(2,5)
parameters_tmp['by'] = np.random.randn(2,1)

a_next_tmp, c_next_tmp, yt_tmp, cache_tmp = lstm_cell_forward(xt_tmp, a_prev_tmp, c_prev_tmp, parameters_tmp)

da_next_tmp = np.random.randn(5,10)
dc_next_tmp = np.random.randn(5,10)
gradients_tmp = lstm_cell_backward(da_next_tmp, dc_next_tmp, cache_tmp)
print("gradients[\\"dxt\\"][1][2] =", gradients_tmp["dxt"][1][2])
print("gradients[\\"dxt\\"].shape =", gradients_tmp["dxt"].shape)
print("gradients[\\"da_prev\\"][2][3] =", gradients_tmp["da_prev"][2][3])
print("gradients[\\"da_prev\\"].shape =", gradients_tmp["da_prev"].shape)
print("gradients[\\"dc_prev\\"][2][3] =", gradients_tmp["dc_prev"][2][3])
print("gradients[\\"dc_prev\\"].shape =", gradients_tmp["dc_prev"].shape)
print("gradients[\\"dWf\\"][3][1] =", gradients_tmp["dWf"][3][1])
print("gradients[\\"dWf\\"].shape =", gradients_tmp["dWf"].shape)
print("gradients[\\"dWi\\"][1][2] =", gradients_tmp["dWi"][1][2])
print("gradients[\\"dWi\\"].shape =", gradients_tmp["dWi"].shape)
print("gradients[\\"dWc\\"][3][1] =", gradients_tmp["dWc"][3][1])
print("gradients[\\"dWc\\"].shape =", gradients_tmp["dWc"].shape)
print("gradients[\\"dWo\\"][1][2] =", gradients_tmp["dWo"][1][2])
print("gradients[\\"dWo\\"].shape =", gradients_tmp["dWo"].shape)
print("gradients[\\"dbf\\"][4] =", gradients_tmp["dbf"][4])
print("gradients[\\"dbf\\"].shape =", gradients_tmp["dbf"].shape)
print("gradients[\\"dbi\\"][4] =", gradients_tmp["dbi"][4])
print("gradients[\\"dbi\\"].shape =", gradients_tmp["dbi"].shape)
print("gradients[\\"dbc\\"][4] =", gradients_tmp["dbc"][4])
print("gradients[\\"dbc\\"].shape =", gradients_tmp["dbc"].shape)
print("gradients[\\"dbo\\"][4] =", gradients_tmp["dbo"][4])
print("gradients[\\"dbo\\"].shape =", gradients_tmp["dbo"].shape)
""")
    assert_printout(printed, """
gradients["dxt"][1][2] = 3.23055911511
gradients["dxt"].shape = (3, 10)
gradients["da_prev"][2][3] = -0.0639621419711
gradients["da_prev"].shape = (5, 10)
gradients["dc_prev"][2][3] = 0.797522038797
gradients["dc_prev"].shape = (5, 10)
gradients["dWf"][3][1] = -0.147954838164
gradients["dWf"].shape = (5, 8)
gradients["dWi"][1][2] = 1.05749805523
gradients["dWi"].shape = (5, 8)
gradients["dWc"][3][1] = 2.30456216369
gradients["dWc"].shape = (5, 8)
gradients["dWo"][1][2] = 0.331311595289
gradients["dWo"].shape = (5, 8)
gradients["dbf"][4] = [ 0.18864637]
gradients["dbf"].shape = (5, 1)
gradients["dbi"][4] = [-0.40142491]
gradients["dbi"].shape = (5, 1)
gradients["dbc"][4] = [ 0.25587763]
gradients["dbc"].shape = (5, 1)
gradients["dbo"][4] = [ 0.13893342]
gradients["dbo"].shape = (5, 1)
""")
    assert_signature(course.lstm_cell_backward, "def lstm_cell_backward(da_next, dc_next, cache):")


# ---------------------------------------------------------------- 3.3 Backward Pass through the LSTM RNN (optional)

def test_lstm_backward_cell(session):
    printed = run_cell(session, """
np.random.seed(1)
x_tmp = np.random.randn(3,10,7)
a0_tmp = np.random.randn(5,10)

parameters_tmp = {}
parameters_tmp['Wf'] = np.random.randn(5, 5+3)
parameters_tmp['bf'] = np.random.randn(5,1)
parameters_tmp['Wi'] = np.random.randn(5, 5+3)
parameters_tmp['bi'] = np.random.randn(5,1)
parameters_tmp['Wo'] = np.random.randn(5, 5+3)
parameters_tmp['bo'] = np.random.randn(5,1)
parameters_tmp['Wc'] = np.random.randn(5, 5+3)
parameters_tmp['bc'] = np.random.randn(5,1)
parameters_tmp['Wy'] = np.zeros((2,5))       # unused, but needed for lstm_forward
parameters_tmp['by'] = np.zeros((2,1))       # unused, but needed for lstm_forward

a_tmp, y_tmp, c_tmp, caches_tmp = lstm_forward(x_tmp, a0_tmp, parameters_tmp)

da_tmp = np.random.randn(5, 10, 4)
gradients_tmp = lstm_backward(da_tmp, caches_tmp)

print("gradients[\\"dx\\"][1][2] =", gradients_tmp["dx"][1][2])
print("gradients[\\"dx\\"].shape =", gradients_tmp["dx"].shape)
print("gradients[\\"da0\\"][2][3] =", gradients_tmp["da0"][2][3])
print("gradients[\\"da0\\"].shape =", gradients_tmp["da0"].shape)
print("gradients[\\"dWf\\"][3][1] =", gradients_tmp["dWf"][3][1])
print("gradients[\\"dWf\\"].shape =", gradients_tmp["dWf"].shape)
print("gradients[\\"dWi\\"][1][2] =", gradients_tmp["dWi"][1][2])
print("gradients[\\"dWi\\"].shape =", gradients_tmp["dWi"].shape)
print("gradients[\\"dWc\\"][3][1] =", gradients_tmp["dWc"][3][1])
print("gradients[\\"dWc\\"].shape =", gradients_tmp["dWc"].shape)
print("gradients[\\"dWo\\"][1][2] =", gradients_tmp["dWo"][1][2])
print("gradients[\\"dWo\\"].shape =", gradients_tmp["dWo"].shape)
print("gradients[\\"dbf\\"][4] =", gradients_tmp["dbf"][4])
print("gradients[\\"dbf\\"].shape =", gradients_tmp["dbf"].shape)
print("gradients[\\"dbi\\"][4] =", gradients_tmp["dbi"][4])
print("gradients[\\"dbi\\"].shape =", gradients_tmp["dbi"].shape)
print("gradients[\\"dbc\\"][4] =", gradients_tmp["dbc"][4])
print("gradients[\\"dbc\\"].shape =", gradients_tmp["dbc"].shape)
print("gradients[\\"dbo\\"][4] =", gradients_tmp["dbo"][4])
print("gradients[\\"dbo\\"].shape =", gradients_tmp["dbo"].shape)
""")
    assert_printout(printed, """
gradients["dx"][1][2] = [0.00218254  0.28205375 -0.48292508 -0.43281115]
gradients["dx"].shape = (3, 10, 4)
gradients["da0"][2][3] = 0.312770310257
gradients["da0"].shape = (5, 10)
gradients["dWf"][3][1] = -0.0809802310938
gradients["dWf"].shape = (5, 8)
gradients["dWi"][1][2] = 0.40512433093
gradients["dWi"].shape = (5, 8)
gradients["dWc"][3][1] = -0.0793746735512
gradients["dWc"].shape = (5, 8)
gradients["dWo"][1][2] = 0.038948775763
gradients["dWo"].shape = (5, 8)
gradients["dbf"][4] = [-0.15745657]
gradients["dbf"].shape = (5, 1)
gradients["dbi"][4] = [-0.50848333]
gradients["dbi"].shape = (5, 1)
gradients["dbc"][4] = [-0.42510818]
gradients["dbc"].shape = (5, 1)
gradients["dbo"][4] = [-0.17958196]
gradients["dbo"].shape = (5, 1)
""")
    assert_signature(course.lstm_backward, "def lstm_backward(da, caches):")


# ---------------------------------------------------------------- rnn_utils.py (imported by the first cell)

def test_rnn_utils_softmax(session):
    """``softmax(x)``: column-wise (over axis 0), as the course's, whose stabilisation uses the global maximum."""
    assert_signature(course.softmax, "def softmax(x):")
    z = np.array([[1.0, 2.0, -1.0], [3.0, 0.5, 40.0]])
    got = eval("softmax(z)", session, {"z": z})
    e = np.exp(z)
    np.testing.assert_allclose(got, e / e.sum(axis=0), rtol=1e-12)


def test_rnn_utils_sigmoid(session):
    assert_signature(course.sigmoid, "def sigmoid(x):")
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(eval("sigmoid(x)", session, {"x": x}), 1 / (1 + np.exp(-x)), rtol=1e-15)


def test_rnn_utils_initialize_adam(session):
    assert_signature(course.initialize_adam, "def initialize_adam(parameters):")
    parameters = {"W1": np.ones((2, 3)), "b1": np.ones((2, 1)), "W2": np.ones((1, 2)), "b2": np.ones((1, 1))}
    v, s = eval("initialize_adam(parameters)", session, {"parameters": parameters})
    assert sorted(v) == sorted(s) == ["dW1", "dW2", "db1", "db2"]
    assert all(v[k].shape == parameters[k[1:]].shape and not v[k].any() and not s[k].any() for k in v)


def test_rnn_utils_update_parameters_with_adam(session):
    """One Adam step with the course's epsilon inside the square root, checked against the formula."""
    assert_signature(course.update_parameters_with_adam,
                            "def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate = 0.01,"
                            " beta1 = 0.9, beta2 = 0.999,  epsilon = 1e-8):")
    rng = np.random.default_rng(3)
    parameters = {"W1": rng.normal(size=(2, 3)), "b1": rng.normal(size=(2, 1))}
    grads = {"dW1": rng.normal(size=(2, 3)), "db1": rng.normal(size=(2, 1))}
    v = {"dW1": rng.normal(size=(2, 3)) * 0.1, "db1": rng.normal(size=(2, 1)) * 0.1}
    s = {"dW1": rng.random((2, 3)) * 0.1, "db1": rng.random((2, 1)) * 0.1}
    expected = {}
    for key in ("W1", "b1"):
        g = grads["d" + key]
        v1 = 0.9 * v["d" + key] + 0.1 * g
        s1 = 0.999 * s["d" + key] + 0.001 * g ** 2
        expected[key] = parameters[key] - 0.01 * (v1 / (1 - 0.9 ** 2)) / np.sqrt(s1 / (1 - 0.999 ** 2) + 1e-8)
    out = eval("update_parameters_with_adam(parameters, grads, v, s, 2)", session,
               {"parameters": parameters, "grads": grads, "v": v, "s": s})
    assert len(out) == 3
    for key in ("W1", "b1"):
        np.testing.assert_allclose(out[0][key], expected[key], rtol=1e-12, atol=0)


# ---------------------------------------------------------------- the two comparisons above can fail

def test_printout_comparison_catches_what_matters():
    expected = "a_next[4] = \n [ 0.59584544  0.18141802]\nlen(cache) =  10\n"
    assert printout_mismatches("a_next[4] =\n[0.595845441 0.181418019]\nlen(cache) = 10", expected) == []
    assert printout_mismatches("a_next[4] = [0.5958455 0.18141802] len(cache) = 10", expected)  # 6e-8 off
    assert printout_mismatches("a_next[3] = [0.59584544 0.18141802] len(cache) = 10", expected)  # another index
    assert printout_mismatches("a_next[4] = [0.59584544 0.18141802] len(caches) = 10", expected)  # other words
    assert printout_mismatches("a_next[4] = [0.59584544 0.18141802 0.1] len(cache) = 10", expected)  # one more
    assert printout_mismatches("[np.int64(23), np.int64(16)]", "[23, 16]")  # numpy 2's repr of a scalar


def test_signature_comparison_catches_what_matters():
    def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, *, seed=0):
        pass

    assert signature_mismatches(model, "def model(data_x, ix_to_char, char_to_ix, num_iterations = 35000):") == []
    assert signature_mismatches(model, "def model(data_x, ix_to_char, char_to_ix, num_iterations = 22001):")
    assert signature_mismatches(model, "def model(data_x, ix_to_char, char_to_ix):")  # an extra positional
    assert signature_mismatches(model, "def model(data_x, char_to_ix, ix_to_char, num_iterations = 35000):")
    assert signature_mismatches(model, "def fit(data_x, ix_to_char, char_to_ix, num_iterations = 35000):")

    def added_without_default(x, *, y):
        pass

    assert signature_mismatches(added_without_default, "def added_without_default(x):")
