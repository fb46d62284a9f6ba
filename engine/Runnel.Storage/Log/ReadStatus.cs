namespace Runnel.Storage.Log;

/// <summary>Why a read stopped.</summary>
public enum ReadStatus
{
    /// <summary>It reached the committed tip: there is nothing more to read now.</summary>
    Tip,

    /// <summary>It reached the record limit or the buffer's end; more records follow.</summary>
    More,

    /// <summary>The next frame is larger than the whole buffer; see <see cref="ReadResult.RequiredBufferLength"/>.</summary>
    BufferTooSmall,
}
