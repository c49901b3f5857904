;; worker.wat — the compute_worker of the Wippy docs: compute(a, b) = a * b,
;; so spawning it with 6, 7 gives 42.
(module
  (func (export "compute") (param $a i32) (param $b i32) (result i32)
    (i32.mul (local.get $a) (local.get $b))))
