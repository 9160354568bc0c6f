function uleb(n: number): number[] { const out=[]; do { let b=n&0x7f; n>>>=7; if(n) b|=0x80; out.push(b);} while(n); return out; }
function sleb(n: number): number[] { const out=[]; while(true){ const b=n&0x7f; n>>=7; if((n===0&&!(b&0x40))||(n===-1&&(b&0x40))){out.push(b);return out;} out.push(b|0x80);} }
const str=(s:string)=>[...uleb(s.length), ...Buffer.from(s)];
const section=(id:number, body:number[])=>[id, ...uleb(body.length), ...body];
const vec=(items:number[][])=>[...uleb(items.length), ...items.flat()];
const I32=0x7f, V128=0x7b;
const get=(i:number)=>[0x20,...uleb(i)], set=(i:number)=>[0x21,...uleb(i)];
const i32c=(n:number)=>[0x41,...sleb(n)];
const simd=(op:number, ...imm:number[])=>[0xfd,...uleb(op),...imm];
const load=(offset:number)=>simd(0x00, 2, ...uleb(offset));
const Q=0,B=1,R=2,D=3,O=4, r=5,j=6,rowBytes=7,p=8,acc0=9,acc1=10;
const zero=[...simd(0x0c,...new Array(16).fill(0))];
const body=[
  ...get(D), ...i32c(2), 0x74, ...set(rowBytes),
  ...get(B), ...set(p),
  ...i32c(0), ...set(r),
  0x02,0x40,
   ...get(R), 0x45, 0x0d, 0,
   0x03,0x40,
    ...zero, ...set(acc0), ...zero, ...set(acc1),
    ...i32c(0), ...set(j),
    0x03,0x40,
     ...get(acc0), ...get(Q), ...get(j), 0x6a, ...load(0), ...get(p), ...get(j), 0x6a, ...load(0), ...simd(0xe6), ...simd(0xe4), ...set(acc0),
     ...get(acc1), ...get(Q), ...get(j), 0x6a, ...load(16), ...get(p), ...get(j), 0x6a, ...load(16), ...simd(0xe6), ...simd(0xe4), ...set(acc1),
     ...get(j), ...i32c(32), 0x6a, ...set(j),
     ...get(j), ...get(rowBytes), 0x49, 0x0d, 0,
    0x0b,
    ...get(acc0), ...get(acc1), ...simd(0xe4), ...set(acc0),
    ...get(O), ...get(r), ...i32c(2), 0x74, 0x6a,
    ...get(acc0), ...simd(0x1f,0), ...get(acc0), ...simd(0x1f,1), 0x92, ...get(acc0), ...simd(0x1f,2), 0x92, ...get(acc0), ...simd(0x1f,3), 0x92,
    0x38, 2, 0,
    ...get(p), ...get(rowBytes), 0x6a, ...set(p),
    ...get(r), ...i32c(1), 0x6a, ...set(r),
    ...get(r), ...get(R), 0x49, 0x0d, 0,
   0x0b,
  0x0b,
  0x0b];
const locals = vec([[4, I32],[2, V128]]);
const func=[...locals, ...body];
const bytes=[0x00,0x61,0x73,0x6d,1,0,0,0,
  ...section(1, vec([[0x60, ...vec([[I32],[I32],[I32],[I32],[I32]]), 0]])),
  ...section(2, vec([[...str('env'), ...str('memory'), 0x02, 0x00, 1]])),
  ...section(3, vec([[0]])),
  ...section(7, vec([[...str('scores'), 0x00, 0]])),
  ...section(10, vec([[...uleb(func.length), ...func]])),
];
const N=100000, Dm=128;
const memory = new WebAssembly.Memory({initial: Math.ceil((N*Dm*4+Dm*4+N*4)/65536)+1});
const mod = new WebAssembly.Module(new Uint8Array(bytes));
const inst = new WebAssembly.Instance(mod, {env:{memory}});
const scores = inst.exports.scores as (q:number,b:number,r:number,d:number,o:number)=>void;
const f = new Float32Array(memory.buffer);
const qOff=0, bOff=Dm*4, oOff=bOff+N*Dm*4;
for (let i=0;i<Dm;i++) f[i]=Math.random()-0.5;
for (let i=0;i<N*Dm;i++) f[Dm+i]=Math.random()-0.5;
scores(qOff,bOff,N,Dm,oOff);
const out = new Float32Array(memory.buffer, oOff, N);
let maxErr=0; for (const r of [0,1,777,N-1]) { let s=0; for(let j=0;j<Dm;j++) s+=f[j]*f[Dm+r*Dm+j]; maxErr=Math.max(maxErr,Math.abs(s-out[r])); }
console.log('maxErr', maxErr);
for (let rep=0;rep<5;rep++){ const t=performance.now(); for(let i=0;i<20;i++) scores(qOff,bOff,N,Dm,oOff); console.log('simd', ((performance.now()-t)/20).toFixed(2),'ms'); }
