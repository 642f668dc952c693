with set_autotune_inputs(A, B, C):
    tuned = matmul(M, N, K)
