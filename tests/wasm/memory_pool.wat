;; memory_pool.wat — a module with a three-page memory and a data segment,
;; for tests/test_memory_pool.c: `scribble` fills the whole memory with
;; 0xaa, `grow` grows it; a later instance must see a fresh memory.
(module
  (memory (export "memory") 3)
  (data (i32.const 65546) "pool")
  (func (export "scribble")
    (memory.fill (i32.const 0) (i32.const 0xaa)
                 (i32.mul (memory.size) (i32.const 65536))))
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0))))
