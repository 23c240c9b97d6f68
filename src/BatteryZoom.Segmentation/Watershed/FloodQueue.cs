using System.Runtime.CompilerServices;
namespace BatteryZoom.Segmentation.Watershed;

/// <summary>Priority queue for priority-flood watershed: pops the smallest key first and, among equal keys, the earliest push
/// (FIFO), so the order is exactly that of a heap on (value, age) as in scikit-image.</summary>
/// <remarks>A min-heap over the <em>distinct</em> keys, each with a FIFO of items in pooled chunks. Distance maps have few distinct
/// values (square roots of sums of squares), so the heap stays tiny and most operations are an append or a read.</remarks>
internal sealed class FloodQueue
{
    private const int ChunkSize = 32;
    private long[] _items = new long[ChunkSize * 64];
    private int[] _nextChunk = new int[64];
    private int _chunkCount;
    private int _freeChunk = -1;

    private uint[] _bucketKey = new uint[64];
    private int[] _head = new int[64], _tail = new int[64], _headPos = new int[64], _tailPos = new int[64], _size = new int[64];
    private int _bucketCount;
    private int _freeBucket = -1;

    private int[] _heap = new int[64];
    private int _heapCount;
    private readonly KeyMap _bucketOf = new();
    private uint _lastKey;
    private int _lastBucket = -1;

    public long Count { get; private set; }

    /// <summary>Order-preserving map of a float to uint (−0 and +0 equal; NaN must be excluded by the caller).</summary>
    public static uint Key(float value)
    {
        if (value == 0) value = 0;
        uint bits = BitConverter.SingleToUInt32Bits(value);
        return (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Push(uint key, long item)
    {
        int b;
        if (_lastBucket >= 0 && _lastKey == key) b = _lastBucket;
        else
        {
            b = _bucketOf.Get(key);
            if (b < 0)
            {
                b = NewBucket(key);
                _bucketOf.Add(key, b);
                HeapPush(b);
            }
        }
        _lastKey = key; _lastBucket = b;
        if (_tailPos[b] == ChunkSize)
        {
            int c = NewChunk();
            _nextChunk[_tail[b]] = c;
            _tail[b] = c;
            _tailPos[b] = 0;
        }
        _items[(long)_tail[b] * ChunkSize + _tailPos[b]++] = item;
        _size[b]++;
        Count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Pop()
    {
        int b = _heap[0];
        long item = _items[(long)_head[b] * ChunkSize + _headPos[b]++];
        Count--;
        if (--_size[b] == 0)
        {
            FreeChunk(_head[b]);
            HeapPopTop();
            _bucketOf.Remove(_bucketKey[b]);
            if (_lastBucket == b) _lastBucket = -1;
            _head[b] = _freeBucket; _freeBucket = b;
        }
        else if (_headPos[b] == ChunkSize)
        {
            int c = _head[b];
            _head[b] = _nextChunk[c];
            _headPos[b] = 0;
            FreeChunk(c);
        }
        return item;
    }

    /// <summary>The item <paramref name="ahead"/> places behind the next one to pop, when it lies in the same chunk of the
    /// smallest key; −1 otherwise (a hint for prefetching only: pushes may still change what pops next).</summary>
    public long Peek(int ahead)
    {
        if (_heapCount == 0) return -1;
        int b = _heap[0];
        int pos = _headPos[b] + ahead;
        if (pos >= ChunkSize || (_head[b] == _tail[b] && pos >= _tailPos[b])) return -1;
        return _items[(long)_head[b] * ChunkSize + pos];
    }

    private int NewBucket(uint key)
    {
        int b;
        if (_freeBucket >= 0) { b = _freeBucket; _freeBucket = _head[b]; }
        else
        {
            if (_bucketCount == _bucketKey.Length)
            {
                int n = _bucketKey.Length * 2;
                Array.Resize(ref _bucketKey, n); Array.Resize(ref _head, n); Array.Resize(ref _tail, n);
                Array.Resize(ref _headPos, n); Array.Resize(ref _tailPos, n); Array.Resize(ref _size, n);
            }
            b = _bucketCount++;
        }
        int c = NewChunk();
        _bucketKey[b] = key; _head[b] = c; _tail[b] = c; _headPos[b] = 0; _tailPos[b] = 0; _size[b] = 0;
        return b;
    }

    private int NewChunk()
    {
        if (_freeChunk >= 0) { int f = _freeChunk; _freeChunk = _nextChunk[f]; _nextChunk[f] = -1; return f; }
        if (_chunkCount == _nextChunk.Length)
        {
            Array.Resize(ref _nextChunk, _nextChunk.Length * 2);
            Array.Resize(ref _items, _nextChunk.Length * ChunkSize);
        }
        _nextChunk[_chunkCount] = -1;
        return _chunkCount++;
    }

    private void FreeChunk(int c) { _nextChunk[c] = _freeChunk; _freeChunk = c; }

    private void HeapPush(int b)
    {
        if (_heapCount == _heap.Length) Array.Resize(ref _heap, _heap.Length * 2);
        int i = _heapCount++;
        uint key = _bucketKey[b];
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (_bucketKey[_heap[parent]] <= key) break;
            _heap[i] = _heap[parent];
            i = parent;
        }
        _heap[i] = b;
    }

    private void HeapPopTop()
    {
        int last = _heap[--_heapCount];
        if (_heapCount == 0) return;
        uint key = _bucketKey[last];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= _heapCount) break;
            if (child + 1 < _heapCount && _bucketKey[_heap[child + 1]] < _bucketKey[_heap[child]]) child++;
            if (_bucketKey[_heap[child]] >= key) break;
            _heap[i] = _heap[child];
            i = child;
        }
        _heap[i] = last;
    }

    /// <summary>Open-addressing map uint → int (linear probing, backward-shift deletion); key 0 is never stored.</summary>
    private sealed class KeyMap
    {
        private uint[] _keys = new uint[256];
        private int[] _values = new int[256];
        private int _count;

        private static int Hash(uint key, int mask) => (int)((key * 0x9E3779B1u) >> 8) & mask;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Get(uint key)
        {
            int mask = _keys.Length - 1;
            for (int i = Hash(key, mask); ; i = (i + 1) & mask)
            {
                uint k = _keys[i];
                if (k == key) return _values[i];
                if (k == 0) return -1;
            }
        }

        public void Add(uint key, int value)
        {
            if (2 * (_count + 1) > _keys.Length) Grow();
            Insert(key, value);
            _count++;
        }

        private void Insert(uint key, int value)
        {
            int mask = _keys.Length - 1;
            int i = Hash(key, mask);
            while (_keys[i] != 0) i = (i + 1) & mask;
            _keys[i] = key; _values[i] = value;
        }

        private void Grow()
        {
            var (oldK, oldV) = (_keys, _values);
            _keys = new uint[oldK.Length * 2]; _values = new int[oldK.Length * 2];
            for (int i = 0; i < oldK.Length; i++) if (oldK[i] != 0) Insert(oldK[i], oldV[i]);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Remove(uint key)
        {
            int mask = _keys.Length - 1;
            int i = Hash(key, mask);
            while (_keys[i] != key) { if (_keys[i] == 0) return; i = (i + 1) & mask; }
            _count--;
            // Backward-shift deletion keeps every probe chain unbroken.
            int j = i;
            while (true)
            {
                j = (j + 1) & mask;
                uint k = _keys[j];
                if (k == 0) break;
                int home = Hash(k, mask);
                bool between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
                if (between) continue;
                _keys[i] = k; _values[i] = _values[j];
                i = j;
            }
            _keys[i] = 0;
        }
    }
}
