using SparkJobGen.Packing.Archives;

namespace SparkJobGen.Packing.Tests.Archives;

/// <summary>The zip writer's pool: power-of-two arrays from 4 KiB, reused by size, and never more than its budget kept in all.</summary>
public sealed class BoundedBufferPoolTests
{
    [Theory]
    [InlineData(0, 4096)]
    [InlineData(1, 4096)]
    [InlineData(4096, 4096)]
    [InlineData(4097, 8192)]
    [InlineData(700_000, 1 << 20)]
    [InlineData(1 << 20, 1 << 20)]
    [InlineData((1 << 20) + 1, (1 << 20) + 1)]
    public void Rents_the_smallest_power_of_two_that_fits_and_larger_requests_exactly(int asked, int expected)
    {
        var pool = new BoundedBufferPool(1 << 20, 8L << 20);
        Assert.Equal(expected, pool.Rent(asked).Length);
    }

    [Fact]
    public void Returned_arrays_are_reused_by_size_up_to_the_budget_and_the_rest_let_go()
    {
        var pool = new BoundedBufferPool(1 << 20, 3L << 20);
        var rented = Enumerable.Range(0, 5).Select(_ => pool.Rent(1 << 20)).ToList();
        var small = pool.Rent(5000);
        rented.ForEach(a => pool.Return(a));
        Assert.Equal(3L << 20, pool.RetainedBytes);

        // The budget is full: the small array is not kept; a 1 MiB request takes a kept one.
        pool.Return(small);
        Assert.Equal(3L << 20, pool.RetainedBytes);
        var again = pool.Rent(600_000);
        Assert.Contains(again, rented);
        Assert.Equal(2L << 20, pool.RetainedBytes);
        pool.Return(small);
        Assert.Same(small, pool.Rent(8000));

        // Arrays that are not the pool's sizes are never kept.
        pool.Return(new byte[5000]);
        pool.Return(new byte[2 << 20]);
        Assert.Equal(2L << 20, pool.RetainedBytes);
    }

    [Fact]
    public async Task Renting_and_returning_from_several_threads_keeps_the_count_consistent()
    {
        var pool = new BoundedBufferPool(1 << 16, 1L << 20);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            var random = new Random(t);
            for (var i = 0; i < 20_000; i++)
            {
                var array = pool.Rent(random.Next(1, 1 << 16));
                array[0] = (byte)t;
                pool.Return(array);
            }
        })));
        Assert.InRange(pool.RetainedBytes, 4096, 1L << 20);
    }
}
