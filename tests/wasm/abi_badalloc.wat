;; abi_badalloc.wat — "allocate" exists but is not an allocator's type
;; (tests/test_abi.c).
(module
  (memory (export "memory") 1)
  (func (export "allocate") (param i64) (result i32) (i32.const 0))
  (func (export "first") (param i32 i32) (result i32)
    (i32.load8_u (local.get 0))))
