namespace Runnel.Storage.Log;

/// <summary>
/// What one <see cref="ShardLog.Read"/> produced: <see cref="Records"/> whole frames, back to back and aligned, in
/// the first <see cref="Bytes"/> bytes of the caller's buffer (walk them with <see cref="FrameReader"/>).
/// </summary>
/// <param name="Records">Frames copied.</param>
/// <param name="Bytes">Bytes of the buffer used.</param>
/// <param name="Status">Why the read stopped.</param>
/// <param name="RequiredBufferLength">With <see cref="ReadStatus.BufferTooSmall"/>: the buffer the next frame needs.</param>
public readonly record struct ReadResult(int Records, int Bytes, ReadStatus Status, int RequiredBufferLength = 0);
